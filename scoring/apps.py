from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Adoption index and targets")

    def ready(self) -> None:
        from dashboards.warm import also_warm

        from .served import warm_index

        also_warm(warm_index)  # the dashboards' warm task computes today's index too
