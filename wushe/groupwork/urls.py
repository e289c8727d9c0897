from django.urls import path

from wushe.groupwork import views

app_name = "groupwork"
urlpatterns = [
    path("", views.group_list, name="groups"),
    path("new/", views.group_new, name="group_new"),
    path("forms/<str:form>/blank.pdf", views.blank_form, name="blank_form"),
    path("<int:pk>/", views.group_detail, name="group"),
    path("<int:pk>/members/new/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/", views.member_outcome, name="member"),
    path("<int:pk>/sessions/new/", views.session_plan, name="session_new"),
    path("<int:pk>/sessions/<int:session_pk>/edit/", views.session_plan, name="session_edit"),
    path("<int:pk>/sessions/<int:session_pk>/record/", views.session_record, name="session_record"),
    path("<int:pk>/sessions/<int:session_pk>/record.pdf", views.session_form, name="session_form"),
    path("<int:pk>/advance/", views.group_advance, name="advance"),
    path("<int:pk>/close/", views.group_close, name="close"),
    path("<int:pk>/plan.pdf", views.plan_form, name="plan_form"),
]
