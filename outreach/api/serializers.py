"""Serializers of the outreach API."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Case, Delivery


class CaseSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="municipality.code")
    owner = serializers.CharField(source="owner.username")
    service = serializers.CharField(source="service.code", allow_null=True, default=None)
    agreed_stage = serializers.CharField(source="agreed_stage.code", allow_null=True, default=None)

    class Meta:
        model = Case
        fields = [
            "id", "municipality", "kind", "source", "target", "contacted_on", "agreed", "service", "agreed_stage",
            "promised_date", "follow_up_on", "owner", "status", "closed_on", "closed_automatically", "close_reason",
        ]  # fmt: skip


class CaseWithNoteSerializer(CaseSerializer):
    """For ministry staff: the internal note too."""

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "internal_note"]


class DeliverySerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="subscription.municipality.code", allow_null=True, default=None)
    province = serializers.CharField(source="subscription.province.code", allow_null=True, default=None)
    role = serializers.CharField(source="subscription.role")

    class Meta:
        model = Delivery
        fields = ["id", "period", "email", "municipality", "province", "role", "status", "sent_at", "error"]


class EffectRowSerializer(serializers.Serializer):
    case_id = serializers.IntegerField()
    code = serializers.CharField()
    municipality = serializers.CharField()
    contacted_on = serializers.DateField()
    until = serializers.DateField()
    index_before = serializers.DecimalField(max_digits=4, decimal_places=1)
    index_after = serializers.DecimalField(max_digits=4, decimal_places=1)
    index_change = serializers.DecimalField(max_digits=4, decimal_places=1)
    adopted_before = serializers.IntegerField()
    adopted_after = serializers.IntegerField()
    peers = serializers.IntegerField()
    peers_index_change = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
    peers_adopted_change = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True)
