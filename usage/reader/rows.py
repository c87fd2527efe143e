"""The rules for one row's values: a date, a municipality, an operation and the counts, each accepted
as the contract says or rejected with the reason worded for the operator."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.utils.translation import gettext as _

from .base import EARLIEST_DATE, MAX_COUNT, MAX_DIGITS, NULL, FileInfo, Lookups

# Only values up to this long are cached: 100,000 cached values of a 64 KiB line each would be gigabytes.
CACHED_CHARS = 300
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_DOTTED = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")
# One row's values -> (its COPY line, None) when valid, else (None, the reason).
Verdict = tuple[str, None] | tuple[None, str]
Validate = Callable[[list[str]], Verdict]


class RowRules:
    """The part of `UsageFileReader` that validates one row, with small caches of the values seen."""

    info: FileInfo
    lookups: Lookups
    today: dt.date
    _dates: dict[str, tuple[str | None, str | None, str | None]]
    _municipalities: dict[str, tuple[str | None, str | None]]
    _operations: dict[str, tuple[str | None, str | None]]
    _regix_at: tuple[int, int, int, int, int | None]
    _seos_at: tuple[int, int, int, int]

    def _positions(self, *names: str) -> list[int | None]:
        return [self.info.columns.index(name) if name in self.info.columns else None for name in names]

    def _regix_positions(self) -> tuple[int, int, int, int, int | None]:
        """Where date, municipality, operation, requests (all there: the header was checked) and errors are."""
        columns = self.info.columns
        errors = columns.index("errors") if "errors" in columns else None
        return (
            columns.index("date"),
            columns.index("municipality"),
            columns.index("operation"),
            columns.index("requests"),
            errors,
        )

    def _validate_regix(self, values: list[str]) -> Verdict:
        if not hasattr(self, "_regix_at"):
            self._regix_at = self._regix_positions()
        at_date, at_municipality, at_operation, at_requests, at_errors = self._regix_at
        problems = []
        day, problem = self._date(values[at_date])
        if problem:
            problems.append(problem)
        municipality, problem = self._municipality(values[at_municipality])
        if problem:
            problems.append(problem)
        operation, problem = self._operation(values[at_operation])
        if problem:
            problems.append(problem)
        requests, problem = _count("requests", values[at_requests])
        if problem:
            problems.append(problem)
        errors, problem = ("0", None) if at_errors is None else _count("errors", values[at_errors], default="0")
        if problem:
            problems.append(problem)
        if requests is not None and errors is not None and int(errors) > int(requests):
            problems.append(
                _("errors (%(errors)s) exceed requests (%(requests)s).") % {"errors": errors, "requests": requests}
            )
        if problems:
            return None, " ".join(problems)
        return f"{day}\t{municipality}\t{operation}\t{requests}\t{errors}\t{NULL}\t{NULL}\t{NULL}\n", None

    def _validate_seos(self, values: list[str]) -> Verdict:
        if not hasattr(self, "_seos_at"):
            columns = self.info.columns  # all there: the header was checked
            self._seos_at = (
                columns.index("date"),
                columns.index("municipality"),
                columns.index("sent"),
                columns.index("received"),
            )
        at_date, at_municipality, at_sent, at_received = self._seos_at
        problems = []
        day, problem = self._date(values[at_date])
        if problem:
            problems.append(problem)
        municipality, problem = self._municipality(values[at_municipality])
        if problem:
            problems.append(problem)
        sent, problem = _count("sent", values[at_sent])
        if problem:
            problems.append(problem)
        received, problem = _count("received", values[at_received])
        if problem:
            problems.append(problem)
        if problems:
            return None, " ".join(problems)
        return f"{day}\t{municipality}\t{NULL}\t{sent}\t{received}\t{NULL}\t{NULL}\t{NULL}\n", None

    def _date(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._dates.get(raw)
        if cached is None:
            if len(self._dates) > 100_000:
                self._dates.clear()
            iso, error = _parse_date(raw.strip(), self.today)
            cached = (iso, error, None if iso is None else iso[:8] + "01")
            if len(raw) <= CACHED_CHARS:
                self._dates[raw] = cached
        return cached[0], cached[1]

    def _municipality(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._municipalities.get(raw)
        if cached is None:
            if len(self._municipalities) > 100_000:
                self._municipalities.clear()
            cached = _resolve_municipality(raw.strip(), self.lookups)
            if len(raw) <= CACHED_CHARS:
                self._municipalities[raw] = cached
        return cached

    def _operation(self, raw: str) -> tuple[str | None, str | None]:
        cached = self._operations.get(raw)
        if cached is None:
            if len(self._operations) > 100_000:
                self._operations.clear()
            value = raw.strip()
            pk = self.lookups.operation_ids.get(value)
            if pk is not None:
                cached = (str(pk), None)
            elif not value:
                cached = (None, _("operation is missing."))
            else:
                cached = (
                    None,
                    _("Unknown operation %(operation)r: it is not in the RegiX catalogue.") % {"operation": value},
                )
            if len(raw) <= CACHED_CHARS:
                self._operations[raw] = cached
        return cached


def _parse_date(value: str, today: dt.date) -> tuple[str | None, str | None]:
    try:
        if _ISO.fullmatch(value):
            day = dt.date.fromisoformat(value)
        elif match := _DOTTED.fullmatch(value):
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        elif not value:
            return None, _("date is missing.")
        else:
            return None, _("date %(value)r is not in the form YYYY-MM-DD or DD.MM.YYYY.") % {"value": value}
    except ValueError:
        return None, _("date %(value)r is not a day of the calendar.") % {"value": value}
    if day < EARLIEST_DATE:
        return None, _("date %(value)s is before 2010-01-01.") % {"value": value}
    if day > today:
        return None, _("date %(value)s is in the future.") % {"value": value}
    return day.isoformat(), None


def _resolve_municipality(value: str, lookups: Lookups) -> tuple[str | None, str | None]:
    pk = lookups.municipality_ids.get(value.upper())
    if pk is not None:
        return str(pk), None
    if not value:
        return None, _("municipality is missing.")
    codes = lookups.municipality_names.get(value.casefold())
    if value.isdigit():
        return None, _(
            "municipality %(value)r looks like an EKATTE code: seat EKATTE codes are not unique and are not "
            "accepted; give the NSI municipality code%(hint)s."
        ) % {"value": value, "hint": f" ({', '.join(codes)})" if codes else ""}
    if codes:
        return None, _(
            "municipality %(value)r is a name: names are not unique and are not accepted; give the NSI "
            "municipality code (%(codes)s)."
        ) % {"value": value, "codes": ", ".join(codes)}
    return None, _("Unknown municipality code %(value)r: give the NSI code, e.g. VAR06.") % {"value": value}


def _count(name: str, raw: str, default: str | None = None) -> tuple[str | None, str | None]:
    value = raw.strip()
    if not value:
        if default is not None:
            return default, None
        return None, _("%(field)s is missing.") % {"field": name}
    if not (value.isascii() and value.isdigit()):
        return None, _("%(field)s %(value)r is not a non-negative whole number written with digits.") % {
            "field": name,
            "value": value,
        }
    digits = value.lstrip("0") or "0"  # int() of thousands of digits is slow, and refused past 4300
    if len(digits) > MAX_DIGITS or int(digits) > MAX_COUNT:
        return None, _("%(field)s %(value)s is too large: a count can be at most %(max)s.") % {
            "field": name,
            "value": value if len(value) <= 40 else f"{value[:40]}…",
            "max": f"{MAX_COUNT:,}".replace(",", " "),
        }
    return digits, None
