from django.urls import path

from wushe.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.request_list, name="requests"),
    path("<int:pk>/decide/", views.request_decide, name="decide"),
]

public_urlpatterns = [
    path("s/<str:key>/request/", views.request_new, name="request_new"),
    path("track/", views.request_track, name="track"),
]
