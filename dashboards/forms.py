"""Forms of the dashboards: the shared "situation at" date and the municipality table's filters."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        widget = self.fields["as_of"].widget
        widget.attrs.update({"min": EARLIEST_AS_OF.isoformat(), "max": today.isoformat()})
        # The accessible description of the date field is its help text.
        widget.attrs["aria-describedby"] = "as-of-help"

    def clean_as_of(self) -> date:
        value = self.cleaned_data.get("as_of")
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
