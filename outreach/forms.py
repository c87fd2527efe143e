"""Forms of the outreach pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from adoption.models import Stage
from core.forms import field_of

from .models import Case, Subscription

DATE = {"type": "date"}
NAMES_ONLY = ("code", "name_bg", "name_en")


class StageChoiceField(forms.ModelChoiceField):
    """A stage named with its service: "RegiX: production"."""

    def label_from_instance(self, obj: Stage) -> str:
        return f"{obj.service.name}: {obj.name}"


class CaseForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = [
            "municipality", "kind", "source", "target", "contacted_on", "agreed", "service", "agreed_stage",
            "promised_date", "follow_up_on", "owner", "internal_note",
        ]  # fmt: skip
        widgets = {
            "contacted_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "promised_date": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "follow_up_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "agreed": forms.Textarea(attrs={"rows": 3}),
            "internal_note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"agreed_stage": StageChoiceField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "owner", forms.ModelChoiceField).queryset = policy.verifiers(
            get_user_model().objects.all()  # ministry staff
        )
        field_of(self, "agreed_stage", forms.ModelChoiceField).queryset = Stage.objects.select_related("service")
        only_names(field_of(self, "municipality", forms.ModelChoiceField))

    def clean(self):
        data = super().clean()
        stage, service = data.get("agreed_stage"), data.get("service")
        if stage is not None and service is not None and stage.service_id != service.pk:
            self.add_error("agreed_stage", _("This stage does not belong to the service."))
        if stage is not None and service is None:
            data["service"] = stage.service
        contacted = data.get("contacted_on")
        if contacted and contacted > timezone.localdate():
            self.add_error("contacted_on", _("The date cannot be in the future."))
        for name in ("promised_date", "follow_up_on"):
            if contacted and data.get(name) and data[name] < contacted:
                self.add_error(name, _("This date cannot be before the contact."))
        return data


class CloseForm(forms.Form):
    close_reason = forms.CharField(label=_("Reason for closing"), widget=forms.Textarea(attrs={"rows": 2}))


class SubscriptionForm(forms.ModelForm):
    """A mayor, secretary or governor subscribed by the ministry (officers are subscribed by themselves)."""

    class Meta:
        model = Subscription
        fields = ["municipality", "province", "email", "name", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("municipality", "province"):
            only_names(field_of(self, name, forms.ModelChoiceField))

    def clean(self):
        data = super().clean()
        if bool(data.get("municipality")) == bool(data.get("province")):
            raise forms.ValidationError(_("Choose either a municipality or a province."))
        return data


def only_names(field: forms.ModelChoiceField) -> None:
    """A municipality or province picker reads only what its options show."""
    if field.queryset is not None:  # a model form's key field always has one
        field.queryset = field.queryset.only(*NAMES_ONLY)
