"""The audit page: every import, export and issue, and every change of an audited row, for a
city's commerce staff (their city) and administrators (every city), filterable by kind, user
and date, a page at a time, and exported as xlsx."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from fdi_portal.access import role_required
from fdi_portal.audit import KINDS, audit_entries
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import City, Role, membership_of
from fdi_portal.pagination import paginate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: history_type of django-simple-history, in words.
CHANGES = {
    "+": gettext_lazy("Created"),
    "~": gettext_lazy("Changed"),
    "-": gettext_lazy("Deleted"),
}


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    user = forms.ModelChoiceField(
        label=gettext_lazy("User"), queryset=get_user_model().objects.none(), required=False
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, city: City | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *KINDS]
        users = get_user_model().objects.order_by("username")
        self.fields["user"].queryset = (
            users if city is None else users.filter(membership__city=city)
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        for field in self.fields.values():
            select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if select else "form-control form-control-sm"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data


def _scope(user: Any) -> City | None:
    """The city whose audit ``user`` reads; None for an administrator (every city)."""
    if user.is_superuser:
        return None
    return membership_of(user).city


def _named(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The page's rows with the user's name and the kind and change in words (one query)."""
    entries = list(entries)
    ids = {entry["a_user_id"] for entry in entries if entry["a_user_id"]}
    users = {
        u.pk: u.get_full_name() or u.username for u in get_user_model().objects.filter(pk__in=ids)
    }
    kinds = dict(KINDS)
    return [
        {
            "at": timezone.localtime(entry["a_at"]),
            "user": users.get(entry["a_user_id"], "—" if entry["a_user_id"] else _("system")),
            "kind": kinds.get(entry["a_kind"], entry["a_kind"]),
            "change": CHANGES.get(entry["a_change"], ""),
            "name": entry["a_name"],
            "file_name": entry["a_file_name"],
            "sha256": entry["a_sha256"],
            "reason": entry["a_reason"],
        }
        for entry in entries
    ]


def _export_rows(entries: Any) -> Iterator[list[Any]]:
    yield [
        _("Time"),
        _("User"),
        _("Kind"),
        _("Change"),
        _("What"),
        _("File name"),
        "SHA-256",
        _("Reason"),
    ]
    batch: list[dict[str, Any]] = []
    for entry in entries.iterator(chunk_size=2000):
        batch.append(entry)
        if len(batch) == 2000:
            yield from _as_cells(batch)
            batch = []
    yield from _as_cells(batch)


def _as_cells(batch: list[dict[str, Any]]) -> Iterator[list[Any]]:
    for row in _named(batch):
        yield [
            row["at"].replace(tzinfo=None),
            row["user"],
            str(row["kind"]),
            str(row["change"]),
            row["name"],
            row["file_name"],
            row["sha256"],
            row["reason"],
        ]


@require_GET
@role_required(Role.COMMERCE_STAFF)
def audit_log(request: HttpRequest) -> HttpResponse:
    city = _scope(request.user)
    form = AuditFilterForm(request.GET or None, city=city)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "kind": data["kind"],
            "user_id": data["user"].pk if data["user"] else None,
            "since": data["since"],
            "until": data["until"],
        }
    entries = audit_entries(city=city, **filters)
    if request.GET.get("format") == "xlsx":
        file = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
        write_xlsx(_export_rows(entries), title=_("Audit log"), target=file)
        file.seek(0)
        return FileResponse(file, as_attachment=True, filename="audit.xlsx", content_type=XLSX)
    pagination = paginate(request, entries)
    return render(
        request,
        "fdi_portal/audit_log.html",
        {
            "form": form,
            "city": city,
            "entries": _named(pagination.page.object_list),
            "pagination": pagination,
        },
    )
