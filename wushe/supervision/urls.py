from django.urls import path

from wushe.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.session_list, name="sessions"),
    path("new/", views.session_new, name="session_new"),
    path("forms/<str:form>/blank.pdf", views.blank_form, name="blank_form"),
    path("<int:pk>/", views.session_detail, name="session"),
    path("<int:pk>/record.pdf", views.session_form, name="session_form"),
    path("supervisors/", views.supervisor_list, name="supervisors"),
    path("supervisors/new/", views.supervisor_new, name="supervisor_new"),
    path("supervisors/<int:pk>/edit/", views.supervisor_edit, name="supervisor_edit"),
]
