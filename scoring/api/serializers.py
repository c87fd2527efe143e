"""Serializers of the scoring API: the computed dataclasses, field by field, every field described."""

from __future__ import annotations

from typing import Any, TypedDict

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class Digits(TypedDict):
    max_digits: int
    decimal_places: int


INDEX: Digits = {"max_digits": 4, "decimal_places": 1}


class OfTableSerializer(serializers.Serializer):
    """The day and method version of the index table a row comes from (`context["table"]`)."""

    as_of = serializers.SerializerMethodField(help_text="The day of the figures.")
    method_version = serializers.SerializerMethodField(
        help_text="Version of the index method that produced the figures."
    )

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_of(self, row) -> str:
        return self.context["table"].as_of.isoformat()

    @extend_schema_field(OpenApiTypes.INT)
    def get_method_version(self, row) -> int:
        return self.context["table"].method_version


class StandingSerializer(serializers.Serializer):
    """A municipality's standing among its peers: the municipalities of its population band."""

    scope = serializers.CharField(help_text="national (the band in the whole country) or province (in its province).")
    group_size = serializers.IntegerField(help_text="Municipalities in the peer group, this one included.")
    rank = serializers.IntegerField(help_text="1 = the highest value in the group; equal values share the better rank.")
    percentile = serializers.IntegerField(help_text="Share (0–100) of the other peers with a lower value.")
    median = serializers.DecimalField(help_text="Median value of the whole peer group.", **INDEX)


class ServiceScoreSerializer(serializers.Serializer):
    """One service's part of a municipality's index."""

    service = serializers.CharField(source="code", help_text="Service code, e.g. regix or seos.")
    stage = serializers.CharField(
        source="stage.code", allow_null=True, help_text="Code of the verified declared stage on the day."
    )
    stage_name = serializers.CharField(source="stage.name", allow_null=True, help_text="Name of that stage.")
    observed = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the usage files show use in the observation window; null: no report covers it.",
    )
    worth = serializers.DecimalField(max_digits=4, decimal_places=2, help_text="The stage's worth, 0–1.")
    factor = serializers.DecimalField(
        max_digits=4, decimal_places=2, help_text="1, or the method's factor without observed use."
    )
    weight = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="The service's weight in the method.")
    score = serializers.DecimalField(help_text="100 × worth × factor: this service alone on the 0–100 scale.", **INDEX)
    peers_national = StandingSerializer(help_text="Rank of this service's score in the population band, nationally.")
    peers_province = StandingSerializer(help_text="Rank of this service's score in the band, within the province.")


class IndexRowSerializer(OfTableSerializer):
    """A municipality's adoption index on a day, with the method version that produced it."""

    code = serializers.CharField(help_text="NSI code of the municipality, e.g. VAR06.")
    name = serializers.CharField(help_text="Name of the municipality in the requested language.")
    province = serializers.CharField(source="province_code", help_text="NSI code of its province, e.g. VAR.")
    population = serializers.IntegerField(help_text="Population.")
    population_band = serializers.CharField(
        help_text="Population band (the peer group): lt5k, 5k-20k, 20k-100k, gt100k."
    )
    index = serializers.DecimalField(help_text="The adoption index, 0–100, one decimal.", **INDEX)
    band = serializers.CharField(help_text="Colour band: low (0–39), middle (40–69) or high (70–100).")
    peers_national = StandingSerializer(source="peers.national", help_text="Standing in the band, nationally.")
    peers_province = StandingSerializer(source="peers.province", help_text="Standing in the band, in the province.")
    services = serializers.SerializerMethodField(help_text="Each weighted service's part of the index.")

    @extend_schema_field(ServiceScoreSerializer(many=True))
    def get_services(self, row) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = []
        for code, score in row.services.items():
            standing = row.standing.services[code]
            data = {
                "code": code, "stage": score.stage, "observed": score.observed, "worth": score.worth,
                "factor": score.factor, "weight": score.weight, "score": score.score,
                "peers_national": standing["national"], "peers_province": standing["province"],
            }  # fmt: skip
            result.append(ServiceScoreSerializer(data).data)
        return result


class AreaIndexSerializer(OfTableSerializer):
    """A province's index (the mean of its municipalities'); the last row is the country's."""

    code = serializers.CharField(help_text="NSI code of the province; empty for the country.")
    name = serializers.CharField(help_text="Name of the province (or the country).")
    municipalities = serializers.IntegerField(help_text="Municipalities counted.")
    index = serializers.DecimalField(help_text="Mean of the municipalities' indices, one decimal.", **INDEX)
    band = serializers.CharField(help_text="Colour band: low, middle or high.")


class MethodServiceSerializer(serializers.Serializer):
    """A service's weight in one method version."""

    service = serializers.CharField(help_text="Service code.")
    weight = serializers.CharField(help_text="Weight of the service (a decimal number as text).")
    unobserved_factor = serializers.CharField(help_text="Share of a stage's worth kept without observed use (0–1).")


class MethodStageSerializer(serializers.Serializer):
    """A stage's worth in one method version."""

    service = serializers.CharField(help_text="Service code.")
    stage = serializers.CharField(help_text="Stage code within the service.")
    worth = serializers.CharField(help_text="Worth of the stage, 0–1 (a decimal number as text).")


class MethodSerializer(serializers.Serializer):
    """One version of the index method; versions are never changed, a change is a new version."""

    version = serializers.IntegerField(help_text="Version number, from 1.")
    note = serializers.CharField(help_text="What changed in this version and why.")
    created_at = serializers.DateTimeField(help_text="When the version was saved.")
    services = MethodServiceSerializer(many=True, help_text="Weights per service.")
    stages = MethodStageSerializer(many=True, help_text="Worth per stage.")


class PointSerializer(serializers.Serializer):
    """The number of municipalities meeting a target on one day."""

    date = serializers.DateField(help_text="The day.")
    count = serializers.IntegerField(help_text="Municipalities meeting the target on that day.")


class TargetProgressSerializer(serializers.Serializer):
    """A target's progress on a day, its pace over the last six months and the projected date."""

    id = serializers.IntegerField(source="target.pk", help_text="Target id.")
    name = serializers.CharField(source="target.name", help_text="Name of the target in the requested language.")
    service = serializers.CharField(source="target.service.code", help_text="Service code.")
    measure = serializers.CharField(source="target.measure", help_text="stage (verified stage reached) or observed.")
    stage = serializers.CharField(
        source="target.stage.code", allow_null=True, default=None, help_text="The stage, for a stage target."
    )
    amount_kind = serializers.CharField(source="target.amount_kind", help_text="share (percent) or count.")
    amount = serializers.IntegerField(source="target.amount", help_text="The share in percent, or the number.")
    baseline_date = serializers.DateField(source="target.baseline_date", help_text="The target's baseline date.")
    deadline = serializers.DateField(source="target.deadline", help_text="The target's deadline.")
    as_of = serializers.DateField(help_text="The day of the figures.")
    met = serializers.IntegerField(help_text="Municipalities meeting the target on the day.")
    total = serializers.IntegerField(help_text="All municipalities.")
    needed = serializers.IntegerField(help_text="Municipalities needed (a share is rounded up).")
    reached = serializers.BooleanField(help_text="Whether the target is met on the day.")
    on_track = serializers.BooleanField(help_text="Reached, or projected to be reached by the deadline.")
    per_month = serializers.FloatField(help_text="The pace: municipalities a month, from the linear fit.")
    projected = serializers.DateField(allow_null=True, help_text="Projected date at that pace; null if not at it.")
    earliest = serializers.DateField(allow_null=True, help_text="Projected date at the pace + two standard errors.")
    latest = serializers.DateField(
        allow_null=True, help_text="Projected date at the pace − two standard errors; null: no end at that pace."
    )
    points = serializers.SerializerMethodField(help_text="The seven days of the pace and the count on each.")
    missing = serializers.SerializerMethodField(
        help_text="NSI codes of the municipalities still missing it that the user may see."
    )

    @extend_schema_field(PointSerializer(many=True))
    def get_points(self, progress) -> list[dict]:
        return [{"date": day, "count": count} for day, count in progress.points]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing(self, progress) -> list[str]:
        visible = self.context.get("visible_ids")
        return [m.code for m in progress.missing if visible is None or m.id in visible]
