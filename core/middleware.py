"""Project-wide middleware: Bulgarian first (Accept-Language ignored), and compressed pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class IgnoreAcceptLanguageMiddleware:
    """Drop Accept-Language before LocaleMiddleware sees it.

    The portal speaks Bulgarian to everyone, whatever their browser's language, and English only
    when a user asks for it with the language switch (Django's language cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PageGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware for pages and the dashboards' SVG maps only.

    HTML and SVG shrink five- to tenfold. Not the API's JSON (small pages of 50) and never a streamed
    export: compressing a CSV of millions of rows would cost more CPU than the download saves, and
    clients that fetch files expect them as they are. BREACH: see docs/dashboards.md, "Compression".
    """

    COMPRESSED_TYPES = ("text/html", "image/svg+xml")

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming or not response.get("Content-Type", "").startswith(self.COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)
