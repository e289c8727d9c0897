from django.urls import path

from wushe.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("divisions/", views.division_index, name="divisions"),
    path("divisions/<str:code>/", views.division_detail, name="division"),
    path("stations/", views.station_list, name="stations"),
    path("stations/new/", views.station_create, name="station_create"),
    path("stations/<int:pk>/", views.station_detail, name="station"),
    path("stations/<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("stations/<int:pk>/close/", views.station_close, name="station_close"),
    path("stations/<int:pk>/reopen/", views.station_reopen, name="station_reopen"),
    path("stations/<int:pk>/rooms/new/", views.room_edit, name="room_create"),
    path("stations/<int:pk>/rooms/<int:room_pk>/", views.room_edit, name="room_edit"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_edit, name="agency_create"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("audit/", views.audit_list, name="audit"),
    path("attachments/<int:pk>/", views.attachment_file, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment_delete"),
    path("styleguide/", views.styleguide, name="styleguide"),
]
