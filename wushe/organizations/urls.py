from django.urls import path

from wushe.organizations import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list, name="organizations"),
    path("new/", views.organization_new, name="organization_new"),
    path("<int:pk>/", views.organization_detail, name="organization"),
    path("<int:pk>/edit/", views.organization_edit, name="organization_edit"),
    path("<int:pk>/dissolve/", views.organization_dissolve, name="organization_dissolve"),
    path("<int:pk>/reports/new/", views.annual_report_new, name="annual_report_new"),
    path("<int:pk>/reports/<int:report_pk>/", views.annual_report_edit, name="annual_report_edit"),
    path("<int:pk>/members/new/", views.member_new, name="member_new"),
    path("<int:pk>/members/<int:member_pk>/", views.member_edit, name="member_edit"),
    path("<int:pk>/incubations/new/", views.incubation_new, name="incubation_new"),
    path("<int:pk>/activities/link/", views.activity_link, name="activity_link"),
    path("<int:pk>/activities/<int:link_pk>/unlink/", views.activity_unlink, name="activity_unlink"),
    path("<int:pk>/projects/link/", views.project_link, name="project_link"),
    path("<int:pk>/projects/<int:link_pk>/unlink/", views.project_unlink, name="project_unlink"),
    path("incubations/<int:pk>/stage/", views.incubation_stage, name="incubation_stage"),
    path("incubations/<int:pk>/mentoring/new/", views.mentoring_new, name="mentoring_new"),
    path("incubations/<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("incubations/<int:pk>/trainings/new/", views.training_new, name="training_new"),
]

# The public pages (under /p/), no sign-in needed.
public_urlpatterns = []
