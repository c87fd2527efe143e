from __future__ import annotations

from rest_framework import serializers

from adoption.models import Adoption
from municipalities.models import Municipality, Province


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name_bg", "name_en", "centre_ekatte", "nuts2"]
        extra_kwargs = {
            "code": {"help_text": "NSI province code, e.g. VAR."},
            "name_bg": {"help_text": "Name in Bulgarian."},
            "name_en": {"help_text": "Name in English."},
            "centre_ekatte": {"help_text": "EKATTE code of the province's administrative centre."},
            "nuts2": {"help_text": "The NUTS 2 region the province belongs to."},
        }


class DeclaredStageSerializer(serializers.ModelSerializer):
    """A municipality's declared stage of one service (see /api/adoption/ for the full standing)."""

    service = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Service code, e.g. regix.")
    stage = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code of the declared stage.")
    stage_name_bg = serializers.CharField(source="stage.name_bg", read_only=True, help_text="Stage name (Bulgarian).")
    stage_name_en = serializers.CharField(source="stage.name_en", read_only=True, help_text="Stage name (English).")
    counts_as_adopted = serializers.BooleanField(
        source="stage.counts_as_adopted", read_only=True, help_text="Whether the stage counts as adopted."
    )

    class Meta:
        model = Adoption
        fields = ["service", "stage", "stage_name_bg", "stage_name_en", "counts_as_adopted", "since", "verification"]
        extra_kwargs = {
            "since": {"help_text": "Since when the declared stage holds."},
            "verification": {"help_text": "Whether ministry staff verified the declaration."},
        }


class MunicipalitySerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="NSI province code")
    stages = DeclaredStageSerializer(
        many=True,
        read_only=True,
        source="visible_adoptions",
        help_text="Declared stage per service, for users who may see this municipality's declarations "
        "(empty otherwise); a service missing here is at its first stage.",
    )

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "name_en", "province", "seat_ekatte", "category", "population", "stages"]
        extra_kwargs = {
            "code": {"help_text": "Municipality code, e.g. VAR06."},
            "name_bg": {"help_text": "Name in Bulgarian."},
            "name_en": {"help_text": "Name in English."},
            "seat_ekatte": {"help_text": "EKATTE code of the municipality's seat."},
            "category": {"help_text": "NSI category of the municipality."},
            "population": {"help_text": "Population (NSI), if known."},
        }


class MunicipalityDetailSerializer(MunicipalitySerializer):
    class Meta(MunicipalitySerializer.Meta):
        fields = [*MunicipalitySerializer.Meta.fields, "boundary"]
        extra_kwargs = {
            **MunicipalitySerializer.Meta.extra_kwargs,
            "boundary": {"help_text": "The municipality's boundary as GeoJSON."},
        }
