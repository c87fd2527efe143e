"""Dashboard tables: one definition for the screen and the CSV export, with a column per service.

The rows are the query functions' dataclasses (not querysets): the stage on a past date comes
from the history, so the table is computed, then filtered and ordered in memory (265 rows at most).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from adoption.choices import ServiceCode
from adoption.models import Service, Stage
from core.formatting import format_number, format_share
from core.numbers import round_half_up

from .queries import MunicipalityRow, ProvinceRow, ServiceCell

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NUM = {"td": {"class": "num"}, "th": {"class": "num"}, "tf": {"class": "num"}}
# `?show=` of the two wide dashboard tables: one service's columns (its code), or every service compact.
SHOW_ALL = "all"
STAGE_ICONS = {"start": "○", "progress": "◐", "adopted": "●", "stopped": "✕"}
STAGE_ICON_CLASSES = {"start": "s0", "progress": "s1", "adopted": "s2", "stopped": "s3"}


class Named(Protocol):
    """A service, or a figure about one: anything with the service's name."""

    @property
    def name(self) -> str: ...


def short_name(service: Named) -> str:
    """ "RegiX" for "RegiX (register queries)": column headers stay short."""
    return service.name.split(" (")[0]


def stage_kind(stage: Stage, stages: list[Stage]) -> str:
    """start / progress / adopted / stopped: where a stage sits in its service's ordered stages
    (a stage after the adopted one, such as "suspended", is stopped; the same rule as the map's)."""
    adopted_at = next((i for i, s in enumerate(stages) if s.counts_as_adopted), len(stages) - 1)
    index = next((i for i, s in enumerate(stages) if s.pk == stage.pk), 0)
    if stage.counts_as_adopted:
        return "adopted"
    if index > adopted_at:
        return "stopped"
    return "start" if index == 0 else "progress"


def stage_legend() -> list[tuple[str, str, str]]:
    """(icon, css class, label) of the compact matrix's legend."""
    labels = {
        "start": _("not started"),
        "progress": _("in progress"),
        "adopted": _("adopted"),
        "stopped": _("suspended"),
    }
    return [(STAGE_ICONS[key], STAGE_ICON_CLASSES[key], str(labels[key])) for key in STAGE_ICONS]


def _grouped(value: object) -> str:
    return format_number(value)


class StageColumn(tables.Column):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """A service's declared stage; "adopted" stages in bold, exported as the stage's name.

    `compact` shows an icon with the stage's name for screen readers and as a tooltip (see the legend).
    """

    def __init__(self, service: Service, compact: bool = False, **kwargs: Any) -> None:
        self.service_code = service.code
        self.stages = list(service.stages.all())
        self.compact = compact
        label = short_name(service) if compact else _("%(service)s: stage") % {"service": short_name(service)}
        super().__init__(
            verbose_name=label,
            accessor=tables.A(f"cells__{service.code}"),
            order_by=(f"cells__{service.code}__stage__order",),
            attrs={"td": {"class": "stage-cell"}} if compact else {},
            **kwargs,
        )

    def render(self, value: ServiceCell) -> str:
        if value.stage is None:
            return "–"
        if self.compact:
            kind = stage_kind(value.stage, self.stages)
            return format_html(
                '<span class="stage-icon {}" title="{}" aria-hidden="true">{}</span>'
                '<span class="visually-hidden">{}</span>',
                STAGE_ICON_CLASSES[kind],
                value.stage.name,
                STAGE_ICONS[kind],
                value.stage.name,
            )
        if value.adopted:
            return format_html('<strong class="adopted">{}</strong>', value.stage.name)
        return value.stage.name

    def value(self, value: ServiceCell) -> str:
        return value.stage.name_bg if value.stage else ""


class ObservedColumn(tables.Column):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """Whether the usage files show the service in the window: yes / no."""

    def __init__(self, service: Service, **kwargs: Any) -> None:
        super().__init__(
            verbose_name=_("%(service)s: used in the window") % {"service": short_name(service)},
            accessor=tables.A(f"cells__{service.code}__observed"),
            **kwargs,
        )

    def render(self, value: bool | None) -> StrPromise:
        return _("yes") if value else _("no")

    def value(self, value: bool | None) -> int:
        return 1 if value else 0  # a number a spreadsheet can sum


class MunicipalityAdoptionTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    code = tables.Column(verbose_name=_("Code"), visible=False)
    name = tables.Column(verbose_name=_("Municipality"), order_by=("name_bg", "code"))
    province = tables.Column(verbose_name=_("Province"), order_by=("province", "name_bg"))
    population = tables.Column(verbose_name=_("Population"), attrs=NUM)
    regix_requests = tables.Column(verbose_name=_("RegiX queries in the window's months"), attrs=NUM)
    seos_documents = tables.Column(verbose_name=_("SEOS documents in the window's months"), attrs=NUM)

    class Meta:
        orderable = True
        order_by = ("name",)
        per_page = 50
        template_name = "core/fast_table.html"  # the body in one pass: core/tablebody.py
        attrs = {"class": "data-table service-table"}

    def __init__(
        self,
        data: Sequence[MunicipalityRow],
        services: list[Service],
        observed_codes: set[str],
        show: str = "",
        **kwargs: Any,
    ) -> None:
        """`show`: one service's code (its columns only on screen) or SHOW_ALL (every service as icons);
        the export always carries every column."""
        compact = show == SHOW_ALL
        extra: list[tuple[str, tables.Column]] = []
        for service in services:
            on_screen = compact or not show or service.code == show
            extra.append((f"stage_{service.code}", StageColumn(service, compact=compact, visible=on_screen)))
            if service.code in observed_codes:
                visible = on_screen and not compact
                extra.append((f"observed_{service.code}", ObservedColumn(service, visible=visible)))
        sequence = ["name", "code", "province", "population", *[name for name, _ in extra], "..."]
        super().__init__(data, extra_columns=extra, sequence=sequence, **kwargs)
        if show and not compact:
            for code, column in ((ServiceCode.REGIX, "regix_requests"), (ServiceCode.SEOS, "seos_documents")):
                if code != show:
                    self.columns.hide(column)

    def render_name(self, record: MunicipalityRow) -> str:
        return format_html('<a href="{}">{}</a>', record.href, record.name)

    def value_name(self, record: MunicipalityRow) -> str:
        return record.name_bg

    def render_population(self, value: int) -> str:
        return _grouped(value)

    def render_regix_requests(self, value: int) -> str:
        return _grouped(value)

    def render_seos_documents(self, value: int) -> str:
        return _grouped(value)

    # The files carry the numbers themselves ("8 681" on screen is 8681 in a cell).
    def value_population(self, value: int) -> int:
        return value

    def value_regix_requests(self, value: int) -> int:
        return value

    def value_seos_documents(self, value: int) -> int:
        return value


class ProvinceAdoptionTable(tables.Table):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    name = tables.Column(verbose_name=_("Province"), footer=_("Bulgaria"))
    code = tables.Column(verbose_name=_("Code"), visible=False)
    municipalities = tables.Column(
        verbose_name=_("Municipalities"), attrs=NUM, footer=lambda table: _grouped(table.total.municipalities)
    )
    population = tables.Column(verbose_name=_("Population"), attrs=NUM, visible=False)

    class Meta:
        orderable = False
        template_name = "core/fast_table.html"  # the body in one pass: core/tablebody.py
        attrs = {"class": "data-table province-table"}

    def __init__(
        self,
        data: Sequence[ProvinceRow],
        services: list[Service],
        observed_codes: set[str],
        total: ProvinceRow,
        show: str = "",
        **kwargs: Any,
    ) -> None:
        """`show` as in MunicipalityAdoptionTable: one service's three columns, or every service's share."""
        extra: list[tuple[str, tables.Column]] = []
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
        for name, _column in extra:
            code = name.split("_", 1)[1]
            if show == SHOW_ALL and not name.startswith("share_") or show not in ("", SHOW_ALL, code):
                self.columns.hide(name)


class ShareColumn(tables.Column):  # type: ignore[misc]  # django-tables2 ships no types: its classes are Any
    """Adopters as a share of the province's municipalities: 41,7 % on screen, 0.417 in the export."""

    export_format = "percent"  # exports.formats.PERCENT: a percent-formatted number in XLSX

    def __init__(self, code: str, total: ProvinceRow, **kwargs: Any) -> None:
        self.code = code
        share = total.share(code)
        kwargs.setdefault("footer", _percent(share))
        super().__init__(accessor=tables.A("code"), attrs=NUM, **kwargs)

    def render(self, record: ProvinceRow) -> str:
        return _percent(record.share(self.code))

    def value(self, record: ProvinceRow) -> Decimal | None:
        share = record.share(self.code)
        return None if share is None else round_half_up(share, 3)  # 0.989: 98,9 % in a percent cell


def _percent(share: float | None) -> str:
    return format_share(share)
