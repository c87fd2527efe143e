"""The portal's named URL patterns, walked from the URL conf: one list for every test that visits "every page"
(the demo walk requests them all with the test client, the browser walk opens the pages in Chromium)."""

from __future__ import annotations

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def named_patterns(skip_prefixes: tuple[str, ...] = ("admin/",)) -> Iterator[tuple[str, URLPattern]]:
    """(namespaced name, pattern) for every named pattern, leaving out the includes under `skip_prefixes`
    (Django's own admin by default: not the portal's pages)."""
    yield from _walk(get_resolver().url_patterns, "", skip_prefixes)


def _walk(patterns, namespace: str, skip_prefixes: tuple[str, ...]) -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith(skip_prefixes):
                continue
            name = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _walk(pattern.url_patterns, name, skip_prefixes)
        elif pattern.name:
            yield namespace + pattern.name, pattern
