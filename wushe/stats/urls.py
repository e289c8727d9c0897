from django.urls import path

from wushe.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("i/<str:key>/", views.indicator, name="indicator"),
    path("series.json", views.series, name="series"),
    path("export.xlsx", views.export, name="export"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/regenerate/", views.report_regenerate, name="report_regenerate"),
    path("reports/<int:pk>/<str:kind>/", views.report_file, name="report_file"),
]
