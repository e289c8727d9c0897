from django.urls import path

from wushe.people import import_views, views

app_name = "people"
urlpatterns = [
    path("", views.resident_list, name="residents"),
    path("new/", views.resident_create, name="resident_create"),
    path("<int:pk>/", views.resident_detail, name="resident"),
    path("<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("<int:pk>/reveal/<str:field>/", views.resident_reveal, name="resident_reveal"),
    path("<int:pk>/history/", views.resident_history, name="resident_history"),
    path("<int:pk>/history/<int:history_id>/restore/", views.resident_restore, name="resident_restore"),
    path("<int:pk>/needs/", views.need_add, name="need_add"),
    path("<int:pk>/visits/new/", views.visit_add, name="visit_add"),
    path("needs/", views.need_list, name="needs"),
    path("needs/<int:pk>/status/", views.need_status, name="need_status"),
    path("visits/overdue/", views.overdue_visits, name="overdue_visits"),
    path("surveys/", views.survey_list, name="surveys"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/respond/", views.survey_respond, name="survey_respond"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("<int:pk>/merge/<int:other_pk>/", views.resident_merge, name="resident_merge"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/decide/", views.transfer_decide, name="transfer_decide"),
    path("tags/", views.tag_list, name="tags"),
    path("tags/new/", views.tag_edit, name="tag_create"),
    path("tags/<int:pk>/edit/", views.tag_edit, name="tag_edit"),
    path("import/", import_views.import_upload, name="import"),
    path("import/template/", import_views.import_template, name="import_template"),
    path("import/<int:pk>/", import_views.import_job, name="import_job"),
    path("import/<int:pk>/errors/", import_views.import_errors, name="import_errors"),
    path("import/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
]
