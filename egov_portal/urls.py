"""The portal's URLs: pages, the API under /api/, the schema, health and i18n."""

from csp.decorators import csp_update
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from core.openapi import SchemaView
from core.views import healthz
from dashboards.views import HomeView

# ReDoc injects its styles as <style> elements and searches in a blob: worker; its page alone allows them.
REDOC_CSP = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("municipalities.api.urls")),
    path("", include("adoption.api.urls")),
    path("", include("catalog.api.urls")),
    path("", include("usage.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("scoring.api.urls")),
    path("", include("outreach.api.urls")),
    path("", include("opendata.api.urls")),
    path("schema/", SchemaView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path(
        "schema/swagger/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/swagger_ui.html"),
        name="swagger-ui",
    ),
    path(
        "schema/redoc/",
        REDOC_CSP(SpectacularRedocView.as_view(url_name="schema", template_name="core/redoc.html")),
        name="redoc",
    ),
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
    path("open/", include("opendata.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path("healthz", healthz, name="healthz"),
]

# Branded error pages (core/templates/): 403 and 404 use Django's handlers, which pass the request.
handler400 = "core.views.bad_request"
handler500 = "core.views.server_error"
