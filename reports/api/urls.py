from django.urls import path

from .views import AdoptionMatrixListView, UsageAggregateListView

urlpatterns = [
    path("reports/usage/", UsageAggregateListView.as_view(), name="report-usage-api"),
    path("reports/adoption-matrix/", AdoptionMatrixListView.as_view(), name="report-adoption-matrix-api"),
]
