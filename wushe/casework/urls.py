from django.urls import path

from wushe.casework import pdf_views, referral_views, views

app_name = "casework"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("policy/<int:station_pk>/", views.policy_edit, name="policy"),
    path("forms/<str:form>/blank.pdf", pdf_views.blank_form, name="blank_form"),
    path("referrals/", referral_views.referral_list, name="referrals"),
    path("referrals/new/", referral_views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", referral_views.referral_detail, name="referral"),
    path("referrals/<int:pk>/respond/", referral_views.referral_respond, name="referral_respond"),
    path("referrals/<int:pk>/outcome/", referral_views.referral_outcome, name="referral_outcome"),
    path("referrals/<int:pk>/form.pdf", referral_views.referral_form, name="referral_form"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/accept/", views.case_accept, name="accept"),
    path("<int:pk>/decline/", views.case_decline, name="decline"),
    path("<int:pk>/assessments/new/", views.assessment_new, name="assessment_new"),
    path("<int:pk>/plan/", views.plan_edit, name="plan"),
    path("<int:pk>/tasks/new/", views.task_new, name="task_new"),
    path("<int:pk>/tasks/<int:task_pk>/done/", views.task_done, name="task_done"),
    path("<int:pk>/sessions/new/", views.session_new, name="session_new"),
    path("<int:pk>/evaluation/", views.evaluation_new, name="evaluation_new"),
    path("<int:pk>/advance/", views.case_advance, name="advance"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/approvals/<int:approval_pk>/", views.approval_decide, name="decide"),
    path("<int:pk>/follow-ups/<int:follow_up_pk>/", views.follow_up_record, name="follow_up"),
    path("<int:pk>/grants/new/", views.grant_new, name="grant_new"),
    path("<int:pk>/forms/<str:form>.pdf", pdf_views.case_form, name="case_form"),
]
