"""`?_export=excel|csv|xlsx` on any page that registered an export source downloads its table.

The page's view never runs for a download, so pages import nothing from the exports app; the
source checks access as its page does (see sources.ExportSource.check_access).
"""

from __future__ import annotations

from . import registry
from .downloads import TRIGGER, serve


class ExportMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if TRIGGER not in request.GET or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        source_class = registry.for_page(match.view_name if match else None)
        if source_class is None:
            return None
        return serve(request, source_class, view_kwargs, request.GET.get(TRIGGER))
