from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("usage/", views.UsageReportView.as_view(), name="usage"),
    path("adoption-matrix/", views.AdoptionMatrixView.as_view(), name="adoption-matrix"),
]
