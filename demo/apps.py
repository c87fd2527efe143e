from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data, demo users and the demo usage generator of the quick start; no product code needs it."""

    name = "demo"
    verbose_name = _("Demo data")
