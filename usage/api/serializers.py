from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from usage.choices import Kind
from usage.models import ImportBatch, RejectedRow


class ImportBatchSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "size",
            "door",
            "uploaded_by",
            "created_at",
            "started_at",
            "finished_at",
            "duration_seconds",
            "status",
            "attempts",
            "rows_read",
            "rows_accepted",
            "rows_rejected",
            "error",
            "warnings",
        ]

    def get_duration_seconds(self, batch: ImportBatch) -> float | None:
        return None if batch.duration is None else batch.duration.total_seconds()


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV or JSON Lines, optionally gzip-compressed.")
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, allow_blank=True, help_text="Omit to tell it from the header."
    )

    def validate_file(self, upload):
        if upload.size == 0:
            raise serializers.ValidationError(_("The file is empty."))
        if upload.size > settings.USAGE_MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is too large."))
        return upload


class RejectedRowSerializer(serializers.ModelSerializer):
    class Meta:
        model = RejectedRow
        fields = ["line", "raw", "reason"]
