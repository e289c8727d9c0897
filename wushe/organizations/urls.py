from django.urls import path  # noqa: F401

app_name = "organizations"
urlpatterns = []

# The public pages (under /p/), no sign-in needed.
public_urlpatterns = []
