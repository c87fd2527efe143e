"""Bulgarian first: the browser's Accept-Language does not switch the portal to English."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


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
