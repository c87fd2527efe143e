from __future__ import annotations

from rest_framework import serializers

from catalog.models import QueryType, Register


class RegisterSerializer(serializers.ModelSerializer):
    query_type_count = serializers.IntegerField(read_only=True, help_text="Number of the register's query types.")
    active_query_type_count = serializers.IntegerField(
        read_only=True, help_text="Number of the register's query types still offered (not retired)."
    )

    class Meta:
        model = Register
        fields = ["code", "name_bg", "name_en", "owner", "query_type_count", "active_query_type_count"]
        extra_kwargs = {
            "code": {"help_text": "The register's code in the RegiX catalogue, e.g. GRAO/NBD."},
            "name_bg": {"help_text": "Name in Bulgarian."},
            "name_en": {"help_text": "Name in English (may be empty)."},
            "owner": {"help_text": "The administration that keeps the register."},
        }


class QueryTypeSerializer(serializers.ModelSerializer):
    register = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="The register's code.")

    class Meta:
        model = QueryType
        fields = ["operation", "register", "adapter", "name_bg", "name_en", "is_active", "valid_from", "valid_to"]
        extra_kwargs = {
            "operation": {"help_text": "The full operation name, the query type's key in usage files."},
            "adapter": {"help_text": "The RegiX adapter that serves the operation."},
            "name_bg": {"help_text": "Name in Bulgarian (may be empty)."},
            "name_en": {"help_text": "Name in English (may be empty)."},
            "is_active": {"help_text": "False once the operation is retired from the catalogue."},
            "valid_from": {"help_text": "First day the operation is offered, if known."},
            "valid_to": {"help_text": "Last day the operation is offered, if retired."},
        }


class RegisterDetailSerializer(RegisterSerializer):
    query_types = QueryTypeSerializer(many=True, read_only=True, help_text="The register's query types.")

    class Meta(RegisterSerializer.Meta):
        fields = [*RegisterSerializer.Meta.fields, "query_types"]
