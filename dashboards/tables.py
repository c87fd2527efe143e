"""Dashboard tables: one definition for the screen and the CSV export, with a column per service.

The rows are the query functions' dataclasses (not querysets): the stage on a past date comes
from the history, so the table is computed, then filtered and ordered in memory (265 rows at most).
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from adoption.models import Service
from core.formatting import format_number, format_share

from .queries import MunicipalityRow, ProvinceRow

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def short_name(service: Service) -> str:
    """ "RegiX" for "RegiX (register queries)": column headers stay short."""
    return service.name.split(" (")[0]


def _grouped(value) -> str:
    return format_number(value)


class StageColumn(tables.Column):
    """A service's declared stage; "adopted" stages in bold, exported as the stage's name."""

    def __init__(self, service: Service, **kwargs) -> None:
        self.service_code = service.code
        super().__init__(
            verbose_name=_("%(service)s: stage") % {"service": short_name(service)},
            accessor=tables.A(f"cells__{service.code}"),
            order_by=(f"cells__{service.code}__stage__order",),
            **kwargs,
        )

    def render(self, value):
        if value.stage is None:
            return "–"
        if value.adopted:
            return format_html('<strong class="adopted">{}</strong>', value.stage.name)
        return value.stage.name

    def value(self, value):
        return value.stage.name_bg if value.stage else ""


class ObservedColumn(tables.Column):
    """Whether the usage files show the service in the window: yes / no."""

    def __init__(self, service: Service, **kwargs) -> None:
        super().__init__(
            verbose_name=_("%(service)s: used in the window") % {"service": short_name(service)},
            accessor=tables.A(f"cells__{service.code}__observed"),
            **kwargs,
        )

    def render(self, value):
        return _("yes") if value else _("no")

    def value(self, value):
        return "1" if value else "0"


class MunicipalityAdoptionTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Municipality"), order_by=("name_bg", "code"))
    province = tables.Column(verbose_name=_("Province"), order_by=("province", "name_bg"))
    population = tables.Column(verbose_name=_("Population"), attrs=NUM)
    regix_requests = tables.Column(verbose_name=_("RegiX queries in the window's months"), attrs=NUM)
    seos_documents = tables.Column(verbose_name=_("SEOS documents in the window's months"), attrs=NUM)

    class Meta:
        orderable = True
        order_by = ("name",)
        per_page = 50
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table service-table"}

    def __init__(self, data, services: list[Service], observed_codes: set[str], **kwargs) -> None:
        extra = []
        for service in services:
            extra.append((f"stage_{service.code}", StageColumn(service)))
            if service.code in observed_codes:
                extra.append((f"observed_{service.code}", ObservedColumn(service)))
        sequence = ["code", "name", "province", "population", *[name for name, _ in extra], "..."]
        super().__init__(data, extra_columns=extra, sequence=sequence, **kwargs)

    def render_name(self, record: MunicipalityRow):
        return format_html('<a href="{}">{}</a>', record.href, record.name)

    def value_name(self, record: MunicipalityRow) -> str:
        return record.name_bg

    def render_population(self, value: int) -> str:
        return _grouped(value)

    def render_regix_requests(self, value: int) -> str:
        return _grouped(value)

    def render_seos_documents(self, value: int) -> str:
        return _grouped(value)


class ProvinceAdoptionTable(tables.Table):
    name = tables.Column(verbose_name=_("Province"), footer=_("Bulgaria"))
    code = tables.Column(verbose_name=_("Code"))
    municipalities = tables.Column(
        verbose_name=_("Municipalities"), attrs=NUM, footer=lambda table: _grouped(table.total.municipalities)
    )
    population = tables.Column(verbose_name=_("Population"), attrs=NUM, visible=False)

    class Meta:
        orderable = False
        template_name = "django_tables2/table.html"
        attrs = {"class": "data-table province-table"}

    def __init__(self, data, services: list[Service], observed_codes: set[str], total: ProvinceRow, **kwargs):
        extra = []
        for service in services:
            extra.append(
                (
                    f"declared_{service.code}",
                    tables.Column(
                        verbose_name=_("%(service)s: adopted (declared)") % {"service": short_name(service)},
                        accessor=tables.A(f"declared__{service.code}"),
                        attrs=NUM,
                        footer=_grouped(total.declared[service.code]),
                    ),
                )
            )
            extra.append(
                (
                    f"share_{service.code}",
                    ShareColumn(
                        service.code, total, verbose_name=_("%(service)s: share") % {"service": short_name(service)}
                    ),
                )
            )
            if service.code in observed_codes:
                extra.append(
                    (
                        f"observed_{service.code}",
                        tables.Column(
                            verbose_name=_("%(service)s: observed use") % {"service": short_name(service)},
                            accessor=tables.A(f"observed__{service.code}"),
                            attrs=NUM,
                            footer=_grouped(total.observed[service.code]),
                        ),
                    )
                )
        self.total = total
        super().__init__(data, extra_columns=extra, **kwargs)


class ShareColumn(tables.Column):
    """Adopters as a share of the province's municipalities: 41,7 % on screen, 0.417 in the export."""

    def __init__(self, code: str, total: ProvinceRow, **kwargs) -> None:
        self.code = code
        share = total.share(code)
        kwargs.setdefault("footer", _percent(share))
        super().__init__(accessor=tables.A("code"), attrs=NUM, **kwargs)

    def render(self, record: ProvinceRow):
        return _percent(record.share(self.code))

    def value(self, record: ProvinceRow):
        share = record.share(self.code)
        return "" if share is None else f"{share:.3f}"


def _percent(share: float | None) -> str:
    return format_share(share)
