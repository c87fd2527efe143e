from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from adoption.models import Adoption, AdoptionChange, MunicipalityContact, Service, Stage
from adoption.services import ServiceStatus
from municipalities.models import Municipality

# API descriptions are in English, the language of the API documentation; the field titles come
# from the models' (translated) verbose names.
SERVICE_CODE_HELP = "Service code, e.g. seos or regix (see /api/services/)."
COMMENT_HELP = "Why: free text, required and not blank; kept in the history."


class StageSerializer(serializers.ModelSerializer[Stage]):
    class Meta:
        model = Stage
        fields = ["code", "order", "name_bg", "name_en", "counts_as_adopted"]
        extra_kwargs = {
            "code": {"help_text": "Stage code, unique within its service, e.g. access_requested."},
            "order": {"help_text": "Position of the stage within its service, from 1 (the first stage)."},
            "name_bg": {"help_text": "Stage name in Bulgarian."},
            "name_en": {"help_text": "Stage name in English."},
            "counts_as_adopted": {"help_text": "Whether a municipality at this stage counts as having adopted."},
        }


class ServiceSerializer(serializers.ModelSerializer[Service]):
    stages = StageSerializer(
        many=True, read_only=True, help_text="The service's stages in order; the first is where everyone starts."
    )

    class Meta:
        model = Service
        fields = ["code", "name_bg", "name_en", "order", "stages"]
        extra_kwargs = {
            "code": {"help_text": "Stable service code, e.g. seos or regix; usage data and reports use it."},
            "name_bg": {"help_text": "Service name in Bulgarian."},
            "name_en": {"help_text": "Service name in English."},
            "order": {"help_text": "Display position among the services (ascending)."},
        }


class ServiceStatusSerializer(serializers.Serializer[ServiceStatus]):
    """One service's standing for a municipality (the first stage when nothing was declared)."""

    service = serializers.CharField(source="service.code", help_text=SERVICE_CODE_HELP)
    stage = serializers.CharField(source="stage.code", help_text="Code of the current stage.")
    stage_name_bg = serializers.CharField(source="stage.name_bg", help_text="Current stage name in Bulgarian.")
    stage_name_en = serializers.CharField(source="stage.name_en", help_text="Current stage name in English.")
    counts_as_adopted = serializers.BooleanField(
        source="stage.counts_as_adopted", help_text="Whether the current stage counts as adopted."
    )
    declared = serializers.SerializerMethodField(
        help_text="False when the municipality has declared nothing for the service (then the stage is its first "
        "and the declaration fields below are null)."
    )
    since = serializers.DateField(
        source="adoption.since", allow_null=True, default=None, help_text="Date (YYYY-MM-DD) the stage holds since."
    )
    evidence = serializers.CharField(
        source="adoption.evidence",
        allow_null=True,
        default=None,
        help_text="Evidence of the declaration, e.g. a document number or a link; may be blank.",
    )
    comment = serializers.CharField(
        source="adoption.comment", allow_null=True, default=None, help_text="Comment of the latest declaration."
    )
    verification = serializers.CharField(
        source="adoption.verification",
        allow_null=True,
        default=None,
        help_text="Ministry check of the declaration: unverified, verified or rejected.",
    )
    verification_comment = serializers.CharField(
        source="adoption.verification_comment",
        allow_null=True,
        default=None,
        help_text="The ministry's comment when verifying or rejecting.",
    )
    set_at = serializers.DateTimeField(
        source="adoption.set_at", allow_null=True, default=None, help_text="When the stage was declared (ISO 8601)."
    )
    last_confirmed_at = serializers.DateTimeField(
        source="adoption.last_confirmed_at",
        allow_null=True,
        default=None,
        help_text="When the declaration was last declared or confirmed (ISO 8601).",
    )
    is_stale = serializers.BooleanField(
        help_text="True when nobody has confirmed the declaration for more than ADOPTION_STALE_AFTER_DAYS days."
    )

    @extend_schema_field(serializers.BooleanField())
    def get_declared(self, status: ServiceStatus) -> bool:
        return status.adoption is not None


class HistorySerializer(serializers.ModelSerializer[AdoptionChange]):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=SERVICE_CODE_HELP)
    from_stage = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Stage code before the entry; null for the first declaration."
    )
    to_stage = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        help_text="Stage code after the entry (the same as from_stage for confirmations and verifications).",
    )
    user = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text="Username of who made the entry; null for entries made by the system (e.g. demo data).",
    )

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
        extra_kwargs = {
            "id": {"help_text": "Id of the history entry."},
            "kind": {"help_text": "What the entry records: a stage change, a confirmation or a verification."},
            "effective_date": {
                "help_text": "Date (YYYY-MM-DD) the entry takes effect: the declared since for a stage change, "
                "the day it was made otherwise."
            },
            "evidence": {"help_text": "Evidence given with the entry; may be blank."},
            "comment": {"help_text": "Comment given with the entry."},
            "created_at": {"help_text": "When the entry was recorded (ISO 8601)."},
        }


class ContactSerializer(serializers.ModelSerializer[MunicipalityContact]):
    class Meta:
        model = MunicipalityContact
        fields = ["eik", "address", "responsible_person", "position", "phone", "email", "updated_at"]
        extra_kwargs = {
            "eik": {"help_text": "EIK (BULSTAT) of the municipal administration: 9 or 13 digits; may be blank."},
            "address": {"help_text": "Postal address of the administration."},
            "responsible_person": {"help_text": "Name of the person responsible for e-government."},
            "position": {"help_text": "Position of the responsible person."},
            "phone": {"help_text": "Contact phone number."},
            "email": {"help_text": "Contact e-mail address."},
            "updated_at": {"help_text": "When the contact details were last changed (ISO 8601)."},
        }


class MunicipalityAdoptionSerializer(serializers.ModelSerializer[Municipality]):
    """A municipality with the current stage of every service."""

    services = ServiceStatusSerializer(
        many=True, read_only=True, source="statuses", help_text="The current standing for every service, in order."
    )

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "name_en", "services"]
        extra_kwargs = {
            "code": {"help_text": "Municipality code, e.g. VAR06."},
            "name_bg": {"help_text": "Name in Bulgarian."},
            "name_en": {"help_text": "Name in English."},
        }


class MunicipalityAdoptionDetailSerializer(MunicipalityAdoptionSerializer):
    history = HistorySerializer(
        many=True, read_only=True, help_text="Every history entry of the municipality, newest first."
    )
    contact = ContactSerializer(
        read_only=True,
        allow_null=True,
        source="contact_or_none",
        help_text="The administration's contact details; null when none were entered.",
    )

    class Meta(MunicipalityAdoptionSerializer.Meta):
        fields = [*MunicipalityAdoptionSerializer.Meta.fields, "contact", "history"]


class StageChangeInputSerializer(serializers.Serializer[None]):
    service = serializers.SlugRelatedField(
        slug_field="code", queryset=Service.objects.all(), help_text=SERVICE_CODE_HELP
    )
    stage = serializers.CharField(
        help_text="The new stage's code, e.g. access_requested: a stage of this service other than the current one."
    )
    comment = serializers.CharField(help_text=COMMENT_HELP)
    evidence = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=500,
        help_text="Optional evidence: a document number or a link, up to 500 characters.",
    )
    since = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Date (YYYY-MM-DD) the stage holds since; today when omitted. Neither in the future nor before "
        "the current stage's date.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        stage = Stage.objects.filter(service=attrs["service"], code=attrs["stage"]).first()
        if stage is None:
            raise serializers.ValidationError({"stage": "Unknown stage for this service."})
        attrs["stage"] = stage
        return attrs


class ConfirmInputSerializer(serializers.Serializer[None]):
    service = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Service.objects.all(),
        help_text=SERVICE_CODE_HELP + " The municipality must have a declaration for it.",
    )
    comment = serializers.CharField(help_text=COMMENT_HELP)


class VerifyInputSerializer(serializers.Serializer[None]):
    service = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Service.objects.all(),
        help_text=SERVICE_CODE_HELP + " The municipality must have a declaration for it.",
    )
    approve = serializers.BooleanField(help_text="true to verify the declaration, false to reject it.")
    comment = serializers.CharField(help_text=COMMENT_HELP)


class AdoptionSerializer(serializers.ModelSerializer[Adoption]):
    """A declaration as stored, returned after a change."""

    municipality = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="Municipality code, e.g. VAR06."
    )
    service = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text=SERVICE_CODE_HELP)
    stage = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code of the declared stage.")

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
        extra_kwargs = {
            "since": {"help_text": "Date (YYYY-MM-DD) the declared stage holds since."},
            "evidence": {"help_text": "Evidence of the declaration, e.g. a document number or a link; may be blank."},
            "comment": {"help_text": "Comment of the latest declaration."},
            "set_at": {"help_text": "When the stage was declared (ISO 8601)."},
            "verification": {"help_text": "Ministry check of the declaration; a new stage resets it to unverified."},
            "verified_at": {"help_text": "When the ministry verified or rejected it (ISO 8601); null if not yet."},
            "verification_comment": {"help_text": "The ministry's comment when verifying or rejecting."},
            "last_confirmed_at": {"help_text": "When the declaration was last declared or confirmed (ISO 8601)."},
        }


class PendingAdoptionSerializer(serializers.ModelSerializer[Adoption]):
    """A declaration waiting for the ministry's verification: the pending page's columns."""

    municipality = serializers.CharField(source="municipality.code", help_text="Municipality code, e.g. VAR06.")
    municipality_name_bg = serializers.CharField(
        source="municipality.name_bg", help_text="Municipality name in Bulgarian."
    )
    municipality_name_en = serializers.CharField(
        source="municipality.name_en", help_text="Municipality name in English."
    )
    province = serializers.CharField(
        source="municipality.province.code", help_text="NSI code of the municipality's province, e.g. VAR."
    )
    service = serializers.CharField(source="service.code", help_text=SERVICE_CODE_HELP)
    stage = serializers.CharField(source="stage.code", help_text="Code of the declared stage awaiting verification.")
    stage_name_bg = serializers.CharField(source="stage.name_bg", help_text="Declared stage name in Bulgarian.")
    stage_name_en = serializers.CharField(source="stage.name_en", help_text="Declared stage name in English.")
    set_by = serializers.CharField(
        source="set_by.username",
        allow_null=True,
        default=None,
        help_text="Username of who declared the stage; null for declarations made by the system (e.g. demo data).",
    )

    class Meta:
        model = Adoption
        fields = [
            "municipality",
            "municipality_name_bg",
            "municipality_name_en",
            "province",
            "service",
            "stage",
            "stage_name_bg",
            "stage_name_en",
            "since",
            "evidence",
            "comment",
            "set_by",
            "set_at",
        ]
        extra_kwargs = {
            "since": {"help_text": "Date (YYYY-MM-DD) the declared stage holds since."},
            "evidence": {"help_text": "Evidence of the declaration, e.g. a document number or a link; may be blank."},
            "comment": {"help_text": "Comment of the declaration."},
            "set_at": {
                "help_text": "When the stage was declared (ISO 8601); the queue is ordered by it, oldest first."
            },
        }
