from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("map/", views.MapView.as_view(), name="map"),
    path("map.svg", views.MapSvgView.as_view(), name="map-svg"),
    path("provinces/", views.ProvinceTableView.as_view(), name="provinces"),
    path("municipalities/", views.MunicipalityTableView.as_view(), name="municipalities"),
    path("trends/", views.TrendsView.as_view(), name="trends"),
    path("discrepancies/", views.DiscrepanciesView.as_view(), name="discrepancies"),
    path("municipality/<str:code>/usage/", views.MunicipalityUsageView.as_view(), name="municipality-usage"),
    path(
        "municipality/<str:code>/<slug:chart>.csv",
        views.MunicipalityChartCsvView.as_view(),
        name="municipality-chart",
    ),
]
