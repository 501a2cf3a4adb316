"""Forms shared by every app."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    """A spreadsheet to import, refused above UPLOAD_MAX_BYTES before anything reads it."""

    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB. Split it or remove unused sheets."
                )
                % {
                    "size": round(upload.size / 1048576, 1),
                    "limit": round(settings.UPLOAD_MAX_BYTES / 1048576, 1),
                }
            )
        return upload
