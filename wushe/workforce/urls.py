from django.urls import path

from wushe.workforce import views

app_name = "workforce"
urlpatterns = [
    path("", views.worker_list, name="workers"),
    path("new/", views.worker_new, name="worker_new"),
    path("me/", views.me, name="me"),
    path("<int:pk>/", views.worker_detail, name="worker"),
    path("<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("<int:pk>/leave/", views.worker_leave, name="worker_leave"),
    path("<int:pk>/qualifications/new/", views.qualification_add, name="qualification_add"),
    path("<int:pk>/exams/new/", views.exam_add, name="exam_add"),
    path("qualifications/<int:pk>/end/", views.qualification_end, name="qualification_end"),
    path("exams/<int:pk>/", views.exam_edit, name="exam_edit"),
    path("trainings/", views.training_list, name="trainings"),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<int:pk>/", views.training_detail, name="training"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("trainings/<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("staffing/", views.staffing, name="staffing"),
    path("training-check/", views.training_check, name="training_check"),
    path("standards/", views.standards, name="standards"),
    path("standards/staffing/new/", views.staffing_rule_new, name="staffing_rule_new"),
    path("standards/staffing/<int:pk>/", views.staffing_rule_edit, name="staffing_rule_edit"),
    path("standards/staffing/<int:pk>/delete/", views.staffing_rule_delete, name="staffing_rule_delete"),
    path("standards/training/new/", views.training_rule_new, name="training_rule_new"),
    path("standards/training/<int:pk>/", views.training_rule_edit, name="training_rule_edit"),
    path("standards/training/<int:pk>/delete/", views.training_rule_delete, name="training_rule_delete"),
    path("standards/policies/new/", views.policy_new, name="policy_new"),
    path("standards/policies/<int:pk>/", views.policy_edit, name="policy_edit"),
    path("standards/policies/<int:pk>/delete/", views.policy_delete, name="policy_delete"),
    path("standards/ladders/new/", views.ladder_new, name="ladder_new"),
]

# The public pages (under /p/), no sign-in needed.
public_urlpatterns = []
