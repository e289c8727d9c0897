from django.urls import path

from wushe.charity import views

app_name = "charity"
urlpatterns = [
    path("", views.fund_list, name="funds"),
    path("funds/new/", views.fund_new, name="fund_new"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/edit/", views.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/open/", views.fund_open, name="fund_open"),
    path("funds/<int:pk>/committee/new/", views.committee_add, name="committee_add"),
    path("funds/<int:pk>/committee/<int:member_pk>/remove/", views.committee_remove, name="committee_remove"),
    path("funds/<int:pk>/expenses/new/", views.expense_new, name="expense_new"),
    path("expenses/<int:pk>/decide/", views.expense_decide, name="expense_decide"),
    path("donors/", views.donor_list, name="donors"),
    path("donors/new/", views.donor_new, name="donor_new"),
    path("donors/<int:pk>/", views.donor_detail, name="donor"),
    path("donors/<int:pk>/edit/", views.donor_edit, name="donor_edit"),
    path("donations/", views.donation_list, name="donations"),
    path("donations/new/", views.donation_new, name="donation_new"),
    path("donations/<int:pk>/", views.donation_detail, name="donation"),
    path("donations/<int:pk>/receipt/", views.donation_receipt, name="donation_receipt"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/beneficiaries/new/", views.beneficiary_add, name="beneficiary_add"),
    path("projects/<int:pk>/beneficiaries/<int:beneficiary_pk>/remove/", views.beneficiary_remove,
         name="beneficiary_remove"),
    path("points/", views.point_list, name="points"),
    path("points/new/", views.point_new, name="point_new"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("links/", views.link_list, name="links"),
    path("links/new/", views.link_new, name="link_new"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
]

# The public pages (under /p/), no sign-in needed.
public_urlpatterns = [
    path("funds/<str:key>/", views.public_fund, name="fund"),
]
