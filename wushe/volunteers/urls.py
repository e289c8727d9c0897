from django.urls import path  # noqa: F401

app_name = "volunteers"
urlpatterns = []

# The public phone pages (under /p/), no sign-in needed.
public_urlpatterns = []
