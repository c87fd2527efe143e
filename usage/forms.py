"""The upload form of the usage app."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .choices import Kind


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Usage file"),
        help_text=_("CSV or JSON Lines, optionally gzip-compressed, as the operators' contract describes."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Tell from the header")), *Kind.choices],
        required=False,
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > settings.USAGE_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)d MB: put it in the inbox folder instead.")
                % {"limit": settings.USAGE_MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
