from django.urls import path

from wushe.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="volunteers"),
    path("new/", views.volunteer_new, name="volunteer_new"),
    path("<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("<int:pk>/edit/", views.volunteer_edit, name="volunteer_edit"),
    path("<int:pk>/leave/", views.volunteer_leave, name="volunteer_leave"),
    path("<int:pk>/records/new/", views.record_add, name="record_add"),
    path("<int:pk>/proofs/new/", views.proof_new, name="proof_new"),
    path("<int:pk>/time-bank/", views.time_bank, name="time_bank"),
    path("proofs/<int:pk>.pdf", views.proof_download, name="proof"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_new, name="team_new"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/close/", views.project_close, name="project_close"),
    path("projects/<int:pk>/shifts/new/", views.shift_new, name="shift_new"),
    path("projects/<int:pk>/hours/new/", views.hours_enter, name="hours_enter"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/edit/", views.shift_edit, name="shift_edit"),
    path("shifts/<int:pk>/qr/", views.shift_qr, name="shift_qr"),
    path("shifts/<int:pk>/sign-up/", views.shift_sign_up, name="shift_sign_up"),
    path("shifts/<int:pk>/registrations/<int:registration_pk>/", views.registration_decide, name="registration"),
    path("hours/<int:pk>/confirm/", views.hours_confirm, name="hours_confirm"),
    path("hours/<int:pk>/correct/", views.hours_correct, name="hours_correct"),
]

# The public phone pages (under /p/), no sign-in needed.
public_urlpatterns = [
    path("s/<str:key>/volunteer/", views.public_volunteering, name="station"),
    path("vp/<str:token>/", views.public_project, name="project"),
    path("vs/<str:token>/", views.public_shift, name="shift"),
    path("v/me/", views.public_me, name="me"),
    path("v/me/proofs/<int:pk>.pdf", views.public_my_proof, name="my_proof"),
]
