"""Dashboard pages."""

from __future__ import annotations

from django.views.generic import TemplateView

from .queries import national_figures


class HomeView(TemplateView):
    """The portal's front page: national figures and where to go next."""

    template_name = "dashboards/home.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "figures": national_figures()}
