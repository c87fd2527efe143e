"""Serializers of the reports' rows (plain serializers: the rows are aggregates, not model instances)."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import MatrixVerification, UsageService


class UsageAggregateSerializer(serializers.Serializer):
    """One row of the usage report: a month, a municipality and (for RegiX) a register or query type."""

    month = serializers.DateField(help_text="The first day of the month.")
    province = serializers.CharField(help_text="NSI code of the municipality's province, e.g. VAR.")
    municipality_code = serializers.CharField(help_text="Municipality code, e.g. VAR06.")
    municipality_name = serializers.CharField(help_text="Municipality name in Bulgarian.")
    service = serializers.ChoiceField(choices=UsageService.choices, help_text="regix or seos.")
    item_code = serializers.CharField(
        allow_null=True,
        help_text="RegiX: the register code (by=register) or the query type's operation (by=query_type); SEOS: null.",
    )
    item_name = serializers.CharField(
        allow_null=True, help_text="Bulgarian name of the register or query type; SEOS: null."
    )
    requests = serializers.IntegerField(allow_null=True, help_text="RegiX requests in the month; null for SEOS.")
    errors = serializers.IntegerField(allow_null=True, help_text="RegiX failed requests; null for SEOS.")
    sent = serializers.IntegerField(allow_null=True, help_text="SEOS documents sent; null for RegiX.")
    received = serializers.IntegerField(allow_null=True, help_text="SEOS documents received; null for RegiX.")

    class Meta:
        fields = [
            "month",
            "province",
            "municipality_code",
            "municipality_name",
            "service",
            "item_code",
            "item_name",
            "requests",
            "errors",
            "sent",
            "received",
        ]


class AdoptionMatrixRowSerializer(serializers.Serializer):
    """One municipality × service of the adoption matrix."""

    municipality_code = serializers.CharField(help_text="Municipality code, e.g. VAR06.")
    municipality_name = serializers.CharField(help_text="Municipality name in Bulgarian.")
    province = serializers.CharField(help_text="NSI code of the province, e.g. VAR.")
    service = serializers.CharField(help_text="Service code, e.g. regix.")
    stage_code = serializers.CharField(help_text="Code of the declared stage (the first stage if none declared).")
    stage = serializers.CharField(help_text="Name of the declared stage, in the request's language.")
    counts_as_adopted = serializers.BooleanField(help_text="Whether the stage counts as adopted.")
    since = serializers.DateField(allow_null=True, help_text="Since when the declared stage holds; null if none.")
    verification = serializers.ChoiceField(
        choices=MatrixVerification.choices,
        help_text="Ministry verification of the declaration, or not_declared.",
    )
    first_use = serializers.DateField(allow_null=True, help_text="First day of use the usage files show.")
    last_use = serializers.DateField(allow_null=True, help_text="Last day of use the usage files show.")
    usage_90_days = serializers.IntegerField(
        allow_null=True,
        help_text="RegiX requests or SEOS documents (sent + received) in the whole months overlapping "
        "the last 90 days; null for services without usage files.",
    )

    class Meta:
        fields = [
            "municipality_code",
            "municipality_name",
            "province",
            "service",
            "stage_code",
            "stage",
            "counts_as_adopted",
            "since",
            "verification",
            "first_use",
            "last_use",
            "usage_90_days",
        ]
