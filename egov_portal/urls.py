"""The portal's URLs: pages, the API under /api/, the schema, health and i18n."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core.views import healthz
from dashboards.views import HomeView

api_patterns = [
    path("", include("municipalities.api.urls")),
    path("", include("adoption.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("usage.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("outreach.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("municipalities/", include("municipalities.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("adoption/", include("adoption.urls")),
    path("catalog/", include("catalog.urls")),
    path("accounts/", include("accounts.urls")),
    path("exports/", include("exports.urls")),
    path("usage-files/", include("usage.urls")),
    path("reports/", include("reports.urls")),
    path("index/", include("scoring.urls")),
    path("outreach/", include("outreach.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("healthz", healthz, name="healthz"),
]
