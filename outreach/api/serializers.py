"""Serializers of the outreach API, every field described."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Case, Delivery

CASE_HELP = {
    "id": "Case id.",
    "kind": "call, letter, meeting or visit.",
    "source": "Where the case was opened from: municipality, target or discrepancy.",
    "target": "Id of the target whose missing list it was opened from, if any.",
    "contacted_on": "Day of the contact.",
    "agreed": "What was agreed.",
    "promised_date": "The date the municipality promised.",
    "follow_up_on": "When the owner follows up (a reminder is e-mailed).",
    "status": "open or closed.",
    "closed_on": "Day the case was closed.",
    "closed_automatically": "Closed by itself when the agreed stage was verified.",
    "close_reason": "Why it was closed.",
    "internal_note": "The ministry's internal note (ministry staff only).",
}


class CaseSerializer(serializers.ModelSerializer):
    """An outreach case: a contact with a municipality, what was agreed and by when."""

    municipality = serializers.CharField(source="municipality.code", help_text="NSI code of the municipality.")
    owner = serializers.CharField(source="owner.username", help_text="User name of the case owner.")
    service = serializers.CharField(
        source="service.code", allow_null=True, default=None, help_text="Service code of the agreement, if any."
    )
    agreed_stage = serializers.CharField(
        source="agreed_stage.code", allow_null=True, default=None, help_text="Agreed stage code; closes the case."
    )

    class Meta:
        model = Case
        fields = [
            "id", "municipality", "kind", "source", "target", "contacted_on", "agreed", "service", "agreed_stage",
            "promised_date", "follow_up_on", "owner", "status", "closed_on", "closed_automatically", "close_reason",
        ]  # fmt: skip
        extra_kwargs = {name: {"help_text": text} for name, text in CASE_HELP.items()}


class CaseWithNoteSerializer(CaseSerializer):
    """An outreach case with the ministry's internal note."""

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "internal_note"]


class DeliverySerializer(serializers.ModelSerializer):
    """One scorecard for one period to one subscription."""

    municipality = serializers.CharField(
        source="subscription.municipality.code", allow_null=True, default=None, help_text="Municipality's NSI code."
    )
    province = serializers.CharField(
        source="subscription.province.code", allow_null=True, default=None, help_text="Province's NSI code."
    )
    role = serializers.CharField(source="subscription.role", help_text="officer, mayor, secretary, governor or other.")

    class Meta:
        model = Delivery
        fields = ["id", "period", "email", "municipality", "province", "role", "status", "sent_at", "error"]
        extra_kwargs = {
            "id": {"help_text": "Delivery id."},
            "period": {"help_text": "First day of the month the scorecard covers."},
            "email": {"help_text": "Recipient address."},
            "status": {"help_text": "pending, sending, sent, bounced or failed."},
            "sent_at": {"help_text": "When it was handed to the mail server."},
            "error": {"help_text": "The mail server's refusal or error, if any."},
        }


class EffectRowSerializer(serializers.Serializer):
    """A contacted municipality over the 90 days after its first contact, beside its uncontacted peers."""

    case_id = serializers.IntegerField(help_text="The first case with the municipality.")
    code = serializers.CharField(help_text="NSI code of the municipality.")
    municipality = serializers.CharField(help_text="Name of the municipality.")
    contacted_on = serializers.DateField(help_text="Day of the first contact.")
    until = serializers.DateField(help_text="End of the period: 90 days later, or the day shown if sooner.")
    index_before = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="Index at the contact.")
    index_after = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="Index at the end.")
    index_change = serializers.DecimalField(max_digits=4, decimal_places=1, help_text="The change of the index.")
    adopted_before = serializers.IntegerField(help_text="Services at an adopted (verified) stage at the contact.")
    adopted_after = serializers.IntegerField(help_text="The same at the end.")
    peers = serializers.IntegerField(help_text="Uncontacted municipalities of the same population band.")
    peers_index_change = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="Their mean index change over the same days."
    )
    peers_adopted_change = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, help_text="Their mean change of adopted services."
    )
