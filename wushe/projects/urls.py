from django.urls import path

from wushe.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="projects"),
    path("new/", views.project_new, name="project_new"),
    path("<int:pk>/", views.project_detail, name="project"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/advance/", views.project_advance, name="advance"),
    path("<int:pk>/targets/", views.target_set, name="target"),
    path("<int:pk>/indicators/<str:key>/", views.indicator_records, name="indicator"),
    path("<int:pk>/links/", views.links, name="links"),
    path("<int:pk>/links/change/", views.link_change, name="link"),
    path("<int:pk>/budget/", views.budget_line_add, name="budget_line"),
    path("<int:pk>/expenditures/new/", views.expenditure_add, name="expenditure"),
    path("<int:pk>/evaluations/new/", views.evaluation_new, name="evaluation"),
    path("rectifications/<int:pk>/", views.rectification_done, name="rectification"),
    path("sheets/", views.sheet_list, name="sheets"),
    path("sheets/new/", views.sheet_new, name="sheet_new"),
]

# The public pages (under /p/), no sign-in needed.
public_urlpatterns = []
