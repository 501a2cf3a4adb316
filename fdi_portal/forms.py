"""Forms shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
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


def flash_form(
    request: HttpRequest, form: forms.Form, action: Callable[[dict[str, Any]], str]
) -> bool:
    """For a POST that redirects: with a valid ``form``, call ``action`` (one domain call,
    returning its success message) and flash the message, or every problem the form or the
    service's ``ValidationError`` names. True when the action succeeded."""
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors.as_text())
        return False
    try:
        message = action(form.cleaned_data)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return False
    messages.success(request, message)
    return True


def picked_period(request: HttpRequest) -> tuple[int | None, int | None]:
    """A dashboard's ``?year=&month=``; a value that is not a sensible year or month is
    ignored (the dashboard shows the latest period instead)."""
    year, month = request.GET.get("year", ""), request.GET.get("month", "")
    return (
        int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        int(month) if month.isdigit() and 1 <= int(month) <= 12 else None,
    )
