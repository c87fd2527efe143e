"""Views that belong to no feature app: the health check and the error pages (templates/4xx, 500)."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise; never cached."""
    report = health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 in the portal's layout (Django's own handler renders it without the request)."""
    return _error_page(request, "400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    """500 in the portal's layout; without the request (user, menu) when even that fails."""
    return _error_page(request, "500.html", 500)


def _error_page(request: HttpRequest, template_name: str, status: int) -> HttpResponse:
    try:
        return HttpResponse(loader.render_to_string(template_name, request=request), status=status)
    except Exception:  # the error may be the database itself: the page must still show
        logger.exception("Rendering %s with the request failed; rendering it without", template_name)
        return HttpResponse(loader.render_to_string(template_name), status=status)
