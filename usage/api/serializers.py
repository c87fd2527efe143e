from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from usage.choices import Kind
from usage.models import ImportBatch, RejectedRow


class ImportBatchSerializer(serializers.ModelSerializer[ImportBatch]):
    uploaded_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="Username of who sent the file; null for the inbox folder and the command line.",
    )
    duration_seconds = serializers.SerializerMethodField(
        help_text="Seconds the last import run took; null until it has finished."
    )

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
        extra_kwargs = {
            "id": {"help_text": "Id of the batch; GET /api/usage-files/{id}/ to follow it."},
            "kind": {
                "help_text": "What the file carries: regix (queries) or seos (documents); empty until the import "
                "has read the header, when the sender did not say."
            },
            "file_name": {"help_text": "The file's original name."},
            "sha256": {"help_text": "SHA-256 of the file as received, 64 hex digits."},
            "size": {"help_text": "Size of the file as received, in bytes."},
            "door": {"help_text": "How the file came in: inbox folder, upload page, API or command line."},
            "created_at": {"help_text": "When the file was received (ISO 8601)."},
            "started_at": {"help_text": "When the latest import run started (ISO 8601); null while pending."},
            "finished_at": {"help_text": "When the latest import run finished (ISO 8601); null until then."},
            "status": {"help_text": "pending (queued), running, succeeded or failed."},
            "attempts": {"help_text": "How many times an import of this batch has started."},
            "rows_read": {"help_text": "Data rows read from the file (the header not counted)."},
            "rows_accepted": {"help_text": "Rows imported."},
            "rows_rejected": {"help_text": "Rows refused; see /api/usage-files/{id}/rejected-rows/ for why."},
            "error": {"help_text": "Why the whole batch failed; blank unless status is failed."},
            "warnings": {
                "help_text": "Warnings (strings) that did not stop the import, e.g. the same file was imported before."
            },
        }

    def get_duration_seconds(self, batch: ImportBatch) -> float | None:
        return None if batch.duration is None else batch.duration.total_seconds()


class UploadSerializer(serializers.Serializer[None]):
    file = serializers.FileField(help_text="CSV or JSON Lines, optionally gzip-compressed.")
    kind = serializers.ChoiceField(
        choices=Kind.choices, required=False, allow_blank=True, help_text="Omit to tell it from the header."
    )

    def validate_file(self, upload: UploadedFile) -> UploadedFile:
        if upload.size == 0:
            raise serializers.ValidationError(_("The file is empty."))
        if upload.size > settings.USAGE_MAX_UPLOAD_BYTES:
            raise serializers.ValidationError(_("The file is too large."))
        return upload


class RejectedRowSerializer(serializers.ModelSerializer[RejectedRow]):
    class Meta:
        model = RejectedRow
        fields = ["line", "raw", "reason"]
        extra_kwargs = {
            "line": {"help_text": "Line number in the file, counting from 1 (a CSV's header is line 1)."},
            "raw": {"help_text": "The row's text as it was in the file."},
            "reason": {"help_text": "Why the row was refused, naming the field."},
        }
