from django.urls import path

from wushe.deliberation import views

app_name = "deliberation"
urlpatterns = [
    path("", views.topic_list, name="topics"),
    path("new/", views.topic_new, name="topic_new"),
    path("<int:pk>/", views.topic_detail, name="topic"),
    path("<int:pk>/edit/", views.topic_edit, name="topic_edit"),
    path("<int:pk>/decide/", views.topic_decide, name="decide"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/resolutions/new/", views.resolution_new, name="resolution_new"),
    path("resolutions/<int:pk>/items/new/", views.item_new, name="item_new"),
    path("items/", views.item_list, name="items"),
    path("items/<int:pk>/done/", views.item_done, name="item_done"),
]

# The public phone pages (under /p/), no sign-in needed: the station's signed key finds them.
public_urlpatterns = [
    path("s/<str:key>/deliberation/", views.public_board, name="board"),
    path("s/<str:key>/deliberation/propose/", views.public_propose, name="propose"),
]
