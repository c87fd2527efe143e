from __future__ import annotations

from rest_framework import serializers

from catalog.models import QueryType, Register


class RegisterSerializer(serializers.ModelSerializer):
    query_type_count = serializers.IntegerField(read_only=True)
    active_query_type_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Register
        fields = ["code", "name_bg", "name_en", "owner", "query_type_count", "active_query_type_count"]


class QueryTypeSerializer(serializers.ModelSerializer):
    register = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = QueryType
        fields = ["operation", "register", "adapter", "name_bg", "name_en", "is_active", "valid_from", "valid_to"]


class RegisterDetailSerializer(RegisterSerializer):
    query_types = QueryTypeSerializer(many=True, read_only=True)

    class Meta(RegisterSerializer.Meta):
        fields = [*RegisterSerializer.Meta.fields, "query_types"]
