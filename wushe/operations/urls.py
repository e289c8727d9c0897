from django.urls import path

from wushe.operations import views

app_name = "operations"
urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("plans/<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("documents/", views.document_list, name="documents"),
    path("documents/new/", views.document_new, name="document_new"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/revise/", views.version_new, name="version_new"),
]
