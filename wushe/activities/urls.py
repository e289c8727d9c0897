from django.urls import path

from wushe.activities import views

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="activities"),
    path("new/", views.activity_new, name="activity_new"),
    path("<int:pk>/", views.activity_detail, name="activity"),
    path("<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/qr/", views.activity_qr, name="activity_qr"),
    path("<int:pk>/register/", views.staff_register, name="register"),
    path("<int:pk>/sign-in/", views.staff_sign_in, name="sign_in"),
    path("<int:pk>/registrations/<int:registration_pk>/", views.registration_action, name="registration"),
    path("<int:pk>/close/", views.activity_close, name="close"),
    path("<int:pk>/photos/", views.activity_photos, name="photos"),
    path("<int:pk>/needs/", views.activity_needs, name="needs"),
    path("stations/<int:station_pk>/qr/", views.station_qr, name="station_qr"),
]

# The public phone pages: the QR code's address, no sign-in needed.
public_urlpatterns = [
    path("a/<str:token>/", views.public_activity, name="public"),
    path("s/<str:key>/", views.public_station, name="station"),
]
