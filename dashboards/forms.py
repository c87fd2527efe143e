"""Forms of the dashboards: the shared "situation at" date and the municipality table's filters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core.forms import field_of

if TYPE_CHECKING:
    from adoption.models import Service
    from municipalities.models import Province

# The portal's history starts with SEOS in 2016: earlier dates have nothing to show.
EARLIEST_AS_OF = date(2016, 1, 1)


class AsOfForm(forms.Form):
    """`?as_of=YYYY-MM-DD`, shared by every dashboard page; empty means today."""

    as_of = forms.DateField(
        label=_("Situation at"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Every figure on the page is as it was at the end of this day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        widget = self.fields["as_of"].widget
        widget.attrs.update({"min": EARLIEST_AS_OF.isoformat(), "max": today.isoformat()})
        # The accessible description of the date field is its help text.
        widget.attrs["aria-describedby"] = "as-of-help"

    def clean_as_of(self) -> date:
        value: date | None = self.cleaned_data.get("as_of")
        today = timezone.localdate()
        if value is None:
            return today
        if value > today:
            raise forms.ValidationError(
                _("The date %(date)s is in the future: choose a day up to today (%(today)s)."),
                code="future",
                params={
                    "date": date_format(value, "SHORT_DATE_FORMAT"),
                    "today": date_format(today, "SHORT_DATE_FORMAT"),
                },
            )
        if value < EARLIEST_AS_OF:
            raise forms.ValidationError(
                _("The portal's data starts on %(earliest)s: choose a later day."),
                code="too_early",
                params={"earliest": date_format(EARLIEST_AS_OF, "SHORT_DATE_FORMAT")},
            )
        return value


class MunicipalityFilterForm(forms.Form):
    """Filters of the municipalities-by-service table; its CSV export is the filtered table.

    A plain form rather than a FilterSet: the stage on a past date and observed use are computed
    (`queries.municipality_table`), not columns a queryset could filter on.
    """

    YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
    MISMATCH = [
        ("", _("Any")),
        ("any", _("Declared and observed disagree")),
        ("declared_only", _("Declared, not observed")),
        ("observed_only", _("Observed, not declared")),
        ("agree", _("Declared and observed agree")),
    ]
    COMBINATION = [
        ("", _("Any")),
        ("both_declared", _("RegiX and SEOS both declared")),
        ("both_observed", _("RegiX and SEOS both observed")),
        ("neither_declared", _("Neither RegiX nor SEOS declared")),
        ("neither_observed", _("Neither RegiX nor SEOS observed")),
    ]

    province = forms.ChoiceField(label=_("Province"), required=False)
    population_band = forms.ChoiceField(label=_("Population"), required=False)
    service = forms.ChoiceField(label=_("Service"), required=False)
    stage = forms.ChoiceField(label=_("Stage of the service"), required=False)
    declared = forms.ChoiceField(label=_("Adopted (declared)"), choices=YES_NO, required=False)
    observed = forms.ChoiceField(label=_("Used (observed)"), choices=YES_NO, required=False)
    mismatch = forms.ChoiceField(label=_("Declared vs observed"), choices=MISMATCH, required=False)
    combination = forms.ChoiceField(label=_("RegiX and SEOS"), choices=COMBINATION, required=False)

    def __init__(
        self, *args: Any, services: Sequence[Service] = (), provinces: Iterable[Province] = (), **kwargs: Any
    ) -> None:
        from municipalities.choices import PopulationBand

        super().__init__(*args, **kwargs)
        field_of(self, "province", forms.ChoiceField).choices = [
            ("", _("All provinces")),
            *((p.code, p.name) for p in provinces),
        ]
        field_of(self, "population_band", forms.ChoiceField).choices = [
            ("", _("Any population")),
            *PopulationBand.choices,
        ]
        field_of(self, "service", forms.ChoiceField).choices = [
            ("", _("Choose a service")),
            *((s.code, s.name) for s in services),
        ]
        # Stage codes repeat across services ("suspended"): grouped per service, checked in clean().
        field_of(self, "stage", forms.ChoiceField).choices = [("", _("Any stage"))] + [
            (service.name, [(stage.code, stage.name) for stage in service.stages.all()]) for service in services
        ]
        self.services = {s.code: s for s in services}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        needs_service = [name for name in ("stage", "declared", "observed", "mismatch") if data.get(name)]
        if needs_service and not data.get("service"):
            raise forms.ValidationError(
                _("Choose a service to filter by %(fields)s.")
                % {"fields": ", ".join(str(self.fields[name].label).lower() for name in needs_service)},
                code="service_required",
            )
        service = self.services.get(data.get("service") or "")
        if service and data.get("stage") and data["stage"] not in {s.code for s in service.stages.all()}:
            self.add_error("stage", _("%(service)s has no such stage.") % {"service": service.name})
        return data


class TopUsageForm(forms.Form):
    """The period of the top registers and query types: months `from`–`to`, by default the year to as_of."""

    period_from = forms.DateField(
        label=_("From (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    period_to = forms.DateField(
        label=_("To (month)"),
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args: Any, as_of: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.as_of = as_of

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("period_from"), data.get("period_to")
        if first and last and first > last:
            raise forms.ValidationError(_("The period's first month comes after its last month."), code="order")
        if last and last > self.as_of:
            self.add_error("period_to", _("The period cannot end after the day shown."))
        return data

    def period(self) -> tuple[date, date]:
        """The valid period, or the 12 months ending with the month of as_of."""
        last = self.as_of.replace(day=1)
        index = last.year * 12 + last.month - 1 - 11
        first = date(index // 12, index % 12 + 1, 1)
        if self.is_valid():
            first = self.cleaned_data.get("period_from") or first
            last = self.cleaned_data.get("period_to") or last
            if first > last:
                first = last
        return max(first, EARLIEST_AS_OF), last
