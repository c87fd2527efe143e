"""How a map's SVG file is served: shown in an <object> of the portal's own origin and nothing else,
kept by the browser for good while its address names the current data."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

YEAR_SECONDS = 365 * 24 * 3600


def svg_file_response(svg: str, *, current: bool, public: bool = False) -> HttpResponse:
    """`current`: the address names the data it shows (a version or an edition), so it never changes;
    `public`: the same file for everyone (the open site), so shared caches may keep it too."""
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'self'; frame-ancestors 'self'"
    response["X-Frame-Options"] = "SAMEORIGIN"
    visibility = {"public": True} if public else {"private": True}
    if current:
        patch_cache_control(response, **visibility, max_age=YEAR_SECONDS, immutable=True)
    else:
        patch_cache_control(response, **visibility, no_cache=True)
    return response
