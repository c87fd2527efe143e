"""Charts as data: each chart is drawn by Chart.js, shown as a table, and downloadable as CSV.

A view builds `Chart` objects from the query functions' dataclasses; the template renders the
canvas, the table twin and the CSV link from the same object, so the three never disagree.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language

from core.formatting import format_month
from exports.formats import neutralise


def month_label(month: date) -> str:
    """ "08.2018" in Bulgarian, "Aug 2018" in English: the same label in the chart, its table and the map."""
    return format_month(month)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[int | float | None]


@dataclass(frozen=True)
class Chart:
    """One chart: x labels (months as dates, or text), one or more series of numbers.

    `kind` is a Chart.js type ("line" or "bar"); `stacked` stacks bar series.
    """

    key: str
    title: str
    x_title: str
    y_title: str
    x: list[date] | list[str]
    series: list[Series]
    kind: str = "line"
    stacked: bool = False
    horizontal: bool = False
    notes: str = ""
    csv_url: str = ""  # where the CSV is, when not this page with ?csv=<key>

    @property
    def monthly(self) -> bool:
        return bool(self.x) and isinstance(self.x[0], date)

    @cached_property
    def x_labels(self) -> list[str]:
        """Computed once: the table twin and the chart's data both show them."""
        return [month_label(x) if isinstance(x, date) else str(x) for x in self.x]

    @property
    def rows(self) -> list[tuple[str, list[int | float | None]]]:
        """The table twin: one row per x value, one column per series."""
        return [(label, [s.values[i] for s in self.series]) for i, label in enumerate(self.x_labels)]

    @property
    def json_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def is_empty(self) -> bool:
        return not self.x or all(not any(s.values) for s in self.series)

    def to_json(self) -> dict[str, Any]:
        """What dashboards.js draws: months travel as ISO dates so the browser formats them with Intl."""
        return {
            "kind": self.kind,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "monthly": self.monthly,
            "language": get_language() or "bg",
            "x": [x.isoformat() if isinstance(x, date) else x for x in self.x],
            "labels": self.x_labels,
            "xTitle": str(self.x_title),
            "yTitle": str(self.y_title),
            "series": [{"label": str(s.label), "values": s.values} for s in self.series],
        }

    def csv_response(self, filename_suffix: str = "") -> HttpResponse:
        """The chart's data as CSV: ISO months (machine-readable) and plain numbers."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([neutralise(str(self.x_title)), *(neutralise(str(s.label)) for s in self.series)])
        for i, x in enumerate(self.x):
            label = x.strftime("%Y-%m") if isinstance(x, date) else neutralise(str(x))  # names: never a formula
            writer.writerow([label, *("" if s.values[i] is None else s.values[i] for s in self.series)])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        disposition = content_disposition_header(True, f"{self.key}{filename_suffix}.csv")
        response["Content-Disposition"] = disposition or "attachment"
        return response
