from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adoption.models import Adoption, AdoptionChange, MunicipalityContact, Service, Stage
from municipalities.models import Municipality


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Stage
        fields = ["code", "order", "name_bg", "name_en", "counts_as_adopted"]


class ServiceSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Service
        fields = ["code", "name_bg", "name_en", "order", "stages"]


class ServiceStatusSerializer(serializers.Serializer):
    """One service's standing for a municipality (the first stage when nothing was declared)."""

    service = serializers.CharField(source="service.code")
    stage = serializers.CharField(source="stage.code")
    stage_name_bg = serializers.CharField(source="stage.name_bg")
    stage_name_en = serializers.CharField(source="stage.name_en")
    counts_as_adopted = serializers.BooleanField(source="stage.counts_as_adopted")
    declared = serializers.SerializerMethodField()
    since = serializers.DateField(source="adoption.since", allow_null=True, default=None)
    evidence = serializers.CharField(source="adoption.evidence", allow_null=True, default=None)
    comment = serializers.CharField(source="adoption.comment", allow_null=True, default=None)
    verification = serializers.CharField(source="adoption.verification", allow_null=True, default=None)
    verification_comment = serializers.CharField(source="adoption.verification_comment", allow_null=True, default=None)
    set_at = serializers.DateTimeField(source="adoption.set_at", allow_null=True, default=None)
    last_confirmed_at = serializers.DateTimeField(source="adoption.last_confirmed_at", allow_null=True, default=None)
    is_stale = serializers.BooleanField()

    @extend_schema_field(serializers.BooleanField())
    def get_declared(self, status) -> bool:
        return status.adoption is not None


class HistorySerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    from_stage = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_stage = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AdoptionChange
        fields = [
            "id",
            "service",
            "kind",
            "from_stage",
            "to_stage",
            "effective_date",
            "evidence",
            "comment",
            "user",
            "created_at",
        ]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = MunicipalityContact
        fields = ["eik", "address", "responsible_person", "position", "phone", "email", "updated_at"]


class MunicipalityAdoptionSerializer(serializers.ModelSerializer):
    """A municipality with the current stage of every service."""

    services = ServiceStatusSerializer(many=True, read_only=True, source="statuses")

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "name_en", "services"]


class MunicipalityAdoptionDetailSerializer(MunicipalityAdoptionSerializer):
    history = HistorySerializer(many=True, read_only=True)
    contact = ContactSerializer(read_only=True, allow_null=True, source="contact_or_none")

    class Meta(MunicipalityAdoptionSerializer.Meta):
        fields = [*MunicipalityAdoptionSerializer.Meta.fields, "contact", "history"]


class StageChangeInputSerializer(serializers.Serializer):
    service = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all())
    stage = serializers.CharField(help_text="The stage code, e.g. access_requested")
    comment = serializers.CharField()
    evidence = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    since = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        stage = Stage.objects.filter(service=attrs["service"], code=attrs["stage"]).first()
        if stage is None:
            raise serializers.ValidationError({"stage": "Unknown stage for this service."})
        attrs["stage"] = stage
        return attrs


class ConfirmInputSerializer(serializers.Serializer):
    service = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all())
    comment = serializers.CharField()


class VerifyInputSerializer(serializers.Serializer):
    service = serializers.SlugRelatedField(slug_field="code", queryset=Service.objects.all())
    approve = serializers.BooleanField()
    comment = serializers.CharField()


class AdoptionSerializer(serializers.ModelSerializer):
    """A declaration as stored, returned after a change."""

    municipality = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    stage = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Adoption
        fields = [
            "municipality",
            "service",
            "stage",
            "since",
            "evidence",
            "comment",
            "set_at",
            "verification",
            "verified_at",
            "verification_comment",
            "last_confirmed_at",
        ]
