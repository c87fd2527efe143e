"""Serializers of the scoring API: the computed dataclasses, field by field."""

from __future__ import annotations

from rest_framework import serializers


class StandingSerializer(serializers.Serializer):
    scope = serializers.CharField()
    group_size = serializers.IntegerField()
    rank = serializers.IntegerField()
    percentile = serializers.IntegerField()
    median = serializers.DecimalField(max_digits=4, decimal_places=1)


class ServiceScoreSerializer(serializers.Serializer):
    service = serializers.CharField(source="code")
    stage = serializers.CharField(source="stage.code", allow_null=True)
    stage_name = serializers.CharField(source="stage.name", allow_null=True)
    observed = serializers.BooleanField(allow_null=True)
    worth = serializers.DecimalField(max_digits=4, decimal_places=2)
    factor = serializers.DecimalField(max_digits=4, decimal_places=2)
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    score = serializers.DecimalField(max_digits=4, decimal_places=1)
    peers_national = StandingSerializer()
    peers_province = StandingSerializer()


class IndexRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField(source="province_code")
    population = serializers.IntegerField()
    population_band = serializers.CharField()
    as_of = serializers.DateField()
    method_version = serializers.IntegerField()
    index = serializers.DecimalField(max_digits=4, decimal_places=1)
    band = serializers.CharField()
    peers_national = StandingSerializer(source="peers.national")
    peers_province = StandingSerializer(source="peers.province")
    services = serializers.SerializerMethodField()

    def get_services(self, row) -> list[dict]:
        result = []
        for code, score in row.services.items():
            standing = row.standing.services[code]
            data = ServiceScoreSerializer(
                {
                    "code": code,
                    "stage": score.stage,
                    "observed": score.observed,
                    "worth": score.worth,
                    "factor": score.factor,
                    "weight": score.weight,
                    "score": score.score,
                    "peers_national": standing["national"],
                    "peers_province": standing["province"],
                }  # fmt: skip
            ).data
            result.append(data)
        return result


class AreaIndexSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    municipalities = serializers.IntegerField()
    index = serializers.DecimalField(max_digits=4, decimal_places=1)
    band = serializers.CharField()
    as_of = serializers.DateField()
    method_version = serializers.IntegerField()


class MethodSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()
    services = serializers.ListField(child=serializers.DictField())
    stages = serializers.ListField(child=serializers.DictField())


class PointSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()


class TargetProgressSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="target.pk")
    name = serializers.CharField(source="target.name")
    service = serializers.CharField(source="target.service.code")
    measure = serializers.CharField(source="target.measure")
    stage = serializers.CharField(source="target.stage.code", allow_null=True, default=None)
    amount_kind = serializers.CharField(source="target.amount_kind")
    amount = serializers.IntegerField(source="target.amount")
    baseline_date = serializers.DateField(source="target.baseline_date")
    deadline = serializers.DateField(source="target.deadline")
    as_of = serializers.DateField()
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    needed = serializers.IntegerField()
    reached = serializers.BooleanField()
    on_track = serializers.BooleanField()
    per_month = serializers.FloatField()
    projected = serializers.DateField(allow_null=True)
    earliest = serializers.DateField(allow_null=True)
    latest = serializers.DateField(allow_null=True)
    points = serializers.SerializerMethodField()
    missing = serializers.SerializerMethodField()

    def get_points(self, progress) -> list[dict]:
        return [{"date": day, "count": count} for day, count in progress.points]

    def get_missing(self, progress) -> list[str]:
        """NSI codes of the municipalities missing it that the user may see."""
        visible = self.context.get("visible_ids")
        return [m.code for m in progress.missing if visible is None or m.id in visible]
