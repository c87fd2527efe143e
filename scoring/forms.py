"""Forms of the scoring pages: a new method version, a new target (the index table's filters: filters.py)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.snapshots import USAGE_ROLLUPS

from .choices import Measure
from .models import Target
from .services import MethodInput


class MethodForm(forms.Form):
    """Every service's weight and factor and every stage's worth: the next version of the method."""

    note = forms.CharField(label=_("What changes and why"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, services=(), current=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.services = list(services)
        for service in self.services:
            weight, factor = current.services.get(service.code, (None, None)) if current else (None, None)
            self.fields[f"w_{service.code}"] = forms.DecimalField(
                label=_("%(service)s: weight") % {"service": service.name}, min_value=0, max_digits=5,
                decimal_places=2, initial=weight, required=False,
            )  # fmt: skip
            self.fields[f"f_{service.code}"] = forms.DecimalField(
                label=_("%(service)s: factor without observed use") % {"service": service.name}, min_value=0,
                max_value=1, max_digits=4, decimal_places=2, required=False,
                initial=factor if service.code in USAGE_ROLLUPS else 1,
            )  # fmt: skip
            for stage in service.stages.all():
                self.fields[f"s_{stage.id}"] = forms.DecimalField(
                    label=_("%(service)s – %(stage)s: worth") % {"service": service.name, "stage": stage.name},
                    min_value=0, max_value=1, max_digits=4, decimal_places=2, required=False,
                    initial=current.stages.get(stage.id) if current else None,
                )  # fmt: skip

    def method_input(self) -> MethodInput:
        """The weights given; missing ones are left out so that `check_complete` names them."""
        data = self.cleaned_data
        weights, worths = {}, {}
        for service in self.services:
            if data.get(f"w_{service.code}") is not None:
                factor = data.get(f"f_{service.code}")
                weights[service.code] = (data[f"w_{service.code}"], Decimal(1) if factor is None else factor)
            for stage in service.stages.all():
                if data.get(f"s_{stage.id}") is not None:
                    worths[(service.code, stage.code)] = data[f"s_{stage.id}"]
        return MethodInput(weights, worths)


class TargetForm(forms.ModelForm):
    class Meta:
        model = Target
        fields = [
            "name_bg", "name_en", "service", "measure", "stage", "amount_kind", "amount", "baseline_date", "deadline",
        ]  # fmt: skip
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        data = super().clean()
        service, stage, measure = data.get("service"), data.get("stage"), data.get("measure")
        if measure == Measure.STAGE and stage is None:
            self.add_error("stage", _("A stage target needs a stage."))
        if stage is not None and service is not None and stage.service_id != service.pk:
            self.add_error("stage", _("This stage does not belong to the service."))
        if measure == Measure.OBSERVED and service is not None and service.code not in USAGE_ROLLUPS:
            self.add_error("measure", _("Only RegiX and SEOS have usage reports: choose a stage target."))
        baseline, deadline = data.get("baseline_date"), data.get("deadline")
        if baseline and deadline and deadline <= baseline:
            self.add_error("deadline", _("The deadline must come after the baseline date."))
        if data.get("amount_kind") == "share" and (data.get("amount") or 0) > 100:
            self.add_error("amount", _("A share cannot exceed 100 %."))
        return data
