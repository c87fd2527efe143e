"""Forms of the adoption app. They validate input; `services.py` enforces the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import MunicipalityContact, Service, Stage


class StageChangeForm(forms.Form):
    stage = forms.ModelChoiceField(label=_("New stage"), queryset=Stage.objects.none(), empty_label=None)
    since = forms.DateField(
        label=_("Since"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date the new stage took effect."),
    )
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=500,
        required=False,
        help_text=_("A document number or a link."),
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, service: Service, current: Stage | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        stages = list(service.stages.order_by("order", "id"))
        self.fields["stage"].queryset = service.stages.order_by("order", "id")
        self.fields["since"].initial = timezone.localdate()
        # Offer the next stage: the usual step forward.
        later = [s for s in stages if current is not None and s.order > current.order]
        if later:
            self.fields["stage"].initial = later[0].pk


class ConfirmForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        initial=_("The stage is still current."),
        widget=forms.TextInput(),
    )


class VerifyForm(forms.Form):
    APPROVE, REJECT = "approve", "reject"
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(APPROVE, _("Verify")), (REJECT, _("Reject"))], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), widget=forms.TextInput())

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == self.APPROVE


class ContactForm(forms.ModelForm):
    class Meta:
        model = MunicipalityContact
        fields = ["eik", "address", "responsible_person", "position", "phone", "email"]
