"""Forms of the adoption app. They validate input; `services.py` enforces the rules."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import Adoption, AdoptionQuerySet, MunicipalityContact, Service, Stage


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

    def __init__(self, *args: Any, service: Service, current: Stage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = service.stages.order_by("order", "id")  # type: ignore[attr-defined]
        self.fields["since"].initial = timezone.localdate()
        # The current stage is pre-selected: nothing changes unless the officer picks another stage,
        # so a stage such as "suspended" is only ever chosen explicitly.
        if current is not None:
            self.fields["stage"].initial = current.pk


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
        decision: str = self.cleaned_data["decision"]
        return decision == self.APPROVE


class ContactForm(forms.ModelForm[MunicipalityContact]):
    """The contact details; a field left out of the request keeps its value (PATCH semantics).

    The page's form always sends every field (a cleared input arrives as an empty value, which
    does blank it); a request that sends no field at all is refused rather than saved.
    """

    class Meta:
        model = MunicipalityContact
        fields = ["eik", "address", "responsible_person", "position", "phone", "email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        self.sent_fields = [name for name in self.fields if name in self.data]
        data = dict(self.data.items())  # one value a field: every contact field is a single input
        for name in self.fields:
            if name not in data:
                data[name] = getattr(self.instance, name)
        self.data = data

    def clean(self) -> dict[str, Any] | None:
        if not self.sent_fields:
            raise forms.ValidationError(_("Nothing to save: the request carried none of the contact fields."))
        return super().clean()


class QueueDecisionForm(forms.Form):
    """One decision for one or several queued declarations; the comment is asked on confirmation."""

    decision = forms.ChoiceField(choices=[(VerifyForm.APPROVE, _("Approve")), (VerifyForm.REJECT, _("Reject"))])
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=())
    comment = forms.CharField(
        label=_("Comment (the municipality sees it)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, queryset: AdoptionQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = queryset
        cast(forms.TypedMultipleChoiceField, self.fields["ids"]).choices = [
            (str(pk), str(pk)) for pk in self._asked_ids()
        ]
        # The first POST only chooses; the confirming POST must carry the comment.
        self.fields["comment"].required = bool(self.data.get("confirm"))

    def _asked_ids(self) -> list[int]:
        values = self.data.getlist("ids")  # type: ignore[attr-defined]  # a QueryDict
        return [int(value) for value in values if str(value).isdigit()]

    @property
    def adoptions_queryset(self) -> AdoptionQuerySet:
        """The asked declarations that are still waiting (another verifier may have been quicker)."""
        return self.queryset.filter(pk__in=self._asked_ids())

    @cached_property
    def adoptions(self) -> list[Adoption]:
        return list(self.adoptions_queryset)

    @property
    def approve(self) -> bool:
        decision: str = self.cleaned_data["decision"]
        return decision == VerifyForm.APPROVE

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not self.adoptions:
            raise forms.ValidationError(_("None of the chosen declarations is waiting for verification any more."))
        return cleaned
