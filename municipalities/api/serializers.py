from __future__ import annotations

from rest_framework import serializers

from municipalities.models import Municipality, Province


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name_bg", "name_en", "centre_ekatte", "nuts2"]


class MunicipalitySerializer(serializers.ModelSerializer):
    province = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="NSI province code")

    class Meta:
        model = Municipality
        fields = ["code", "name_bg", "name_en", "province", "seat_ekatte", "category", "population"]


class MunicipalityDetailSerializer(MunicipalitySerializer):
    class Meta(MunicipalitySerializer.Meta):
        fields = [*MunicipalitySerializer.Meta.fields, "boundary"]
