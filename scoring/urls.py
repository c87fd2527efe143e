from django.urls import path

from . import views

app_name = "scoring"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("method/", views.MethodView.as_view(), name="method"),
    path("targets/", views.TargetListView.as_view(), name="targets"),
    path("targets/new/", views.TargetCreateView.as_view(), name="target-create"),
    path("targets/<int:pk>/", views.TargetDetailView.as_view(), name="target-detail"),
    path("panel/overview/", views.OverviewPanelView.as_view(), name="overview-panel"),
    path("panel/municipality/<str:code>/", views.MunicipalityPanelView.as_view(), name="municipality-panel"),
]
