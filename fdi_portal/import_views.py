"""The web pages every spreadsheet import shares: upload → preview → confirm, and the empty
templates to download.

An app declares each of its imports as an :class:`ImportKind` (what it reads, who may use it,
how its preview is shown, where to go afterwards), gathers them in an :class:`ImportSet` and
adds :func:`import_urls` to its URLconf: three URLs pointing at the views below, the set
passed as their extra argument ``imports``. The URL's ``kind`` picks the import (the template
view: the layout); a ``city_code`` in the URL makes it a city's import (figures, targets),
checked against what the user may see.

Nothing is written before the confirmation, and the confirmation writes only what the preview
showed (its fingerprint), else the page is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fdi_portal.access import has_role, visible_or_404
from fdi_portal.audit import record_event, sha256_of
from fdi_portal.forms import UploadForm
from fdi_portal.imports import Preview, keep_upload, upload_path
from fdi_portal.lib.money import format_wan
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import AuditEvent, City, Role

TEMPLATE = "fdi_portal/import.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Text = str | Promise


class PreviewFunction(Protocol):
    def __call__(self, source: Any, *, user: Any, city: City | None, max_bytes: int) -> Preview:
        """Read ``source`` (an upload or the stored file) and compare it with what is stored;
        never raises for a bad file."""
        ...


class ApplyFunction(Protocol):
    def __call__(self, preview: Preview, *, user: Any, reason: str) -> dict[str, int]:
        """Write the preview's changes or raise ValidationError; the new, changed and unchanged
        counts."""
        ...


@dataclass(frozen=True)
class PreviewColumn:
    """A column of the preview table: its header and its cell for one change."""

    label: Text
    value: Callable[[Any], object]
    numeric: bool = False


@dataclass(frozen=True)
class TemplateLayout:
    """An empty file to fill in: ``code`` is the template URL's ``kind``, ``label`` its link,
    ``rows(user, city)`` its title and rows (header first)."""

    code: str
    label: Text
    rows: Callable[[Any, City | None], tuple[str, list[list[Any]]]]


@dataclass(frozen=True)
class ImportKind:
    """One spreadsheet import as the shared pages serve it.

    ``title`` and ``notes`` head the page (``title`` may name ``%(city)s``); ``confirm`` is the
    confirmation button, an ``ngettext_lazy`` counted by ``n``; ``done(preview, city)`` is
    where a successful import goes.
    """

    code: str
    title: Text
    notes: tuple[Text, ...]
    roles: tuple[Role, ...]
    preview: PreviewFunction
    apply: ApplyFunction
    columns: tuple[PreviewColumn, ...]
    layouts: tuple[TemplateLayout, ...]
    confirm: Text
    done: Callable[[Preview, City | None], str]


@dataclass(frozen=True)
class ImportSet:
    """An app's imports and the names (``app:name``) of its three import URLs, which all take
    the URL arguments ``[city_code,] kind``."""

    kinds: tuple[ImportKind, ...]
    upload_url_name: str
    confirm_url_name: str
    template_url_name: str

    def kind(self, code: str) -> ImportKind:
        for kind in self.kinds:
            if kind.code == code:
                return kind
        raise Http404(_("No such import."))

    def layout(self, code: str) -> tuple[ImportKind, TemplateLayout]:
        for kind in self.kinds:
            for layout in kind.layouts:
                if layout.code == code:
                    return kind, layout
        raise Http404(_("No such template."))


def status_label(change: Any) -> str:
    """The preview's word for a change: new, changed or unchanged."""
    return {"new": _("new"), "changed": _("changed")}.get(change.status, _("unchanged"))


def wan_or_dash(amount: Any) -> str:
    """A stored amount in 万 for the preview, — for none."""
    return format_wan(amount) or "—"


#: The file's row of a change, and its status: columns of every preview.
ROW = PreviewColumn(gettext_lazy("Row"), lambda change: change.row, numeric=True)
STATUS = PreviewColumn(gettext_lazy("Change"), status_label)


def _allowed(request: HttpRequest, kind: ImportKind, city_code: str | None) -> City | None:
    """The import's city; PermissionDenied for a role the import is not for, Http404 for a city
    the user may not see."""
    if not has_role(request.user, *kind.roles):
        raise PermissionDenied(_("Your role does not allow this page."))
    if city_code is None:
        return None
    return visible_or_404(City, request.user, admin_code=city_code)


def _args(city: City | None, code: str) -> list[str]:
    return [code] if city is None else [city.admin_code, code]


def _page(
    request: HttpRequest,
    imports: ImportSet,
    kind: ImportKind,
    city: City | None,
    form: UploadForm,
    preview: Preview | None = None,
    token: str = "",
) -> HttpResponse:
    context: dict[str, Any] = {
        "kind": kind,
        "city": city,
        "form": form,
        "title": kind.title % {"city": city.name if city else ""},
        "upload_url": reverse(imports.upload_url_name, args=_args(city, kind.code)),
        "confirm_url": reverse(imports.confirm_url_name, args=_args(city, kind.code)),
        "templates": [
            (layout.label, reverse(imports.template_url_name, args=_args(city, layout.code)))
            for layout in kind.layouts
        ],
    }
    if preview is not None:
        context["preview"] = preview
        context["rows"] = [
            (change.status, [(column.value(change), column.numeric) for column in kind.columns])
            for change in preview.changes
        ]
        context["confirm_label"] = kind.confirm % {"n": len(preview.pending)}
        if token and preview.ok and preview.pending:
            context["token"] = token
            context["fingerprint"] = preview.fingerprint()
    return render(request, TEMPLATE, context)


@require_http_methods(["GET", "POST"])
def import_upload(
    request: HttpRequest, kind: str, imports: ImportSet, city_code: str | None = None
) -> HttpResponse:
    """Upload → a preview of every change (new / changed / unchanged); nothing is written yet."""
    import_kind = imports.kind(kind)
    city = _allowed(request, import_kind, city_code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, imports, import_kind, city, form)
    upload = form.cleaned_data["file"]
    preview = import_kind.preview(
        upload, user=request.user, city=city, max_bytes=settings.UPLOAD_MAX_BYTES
    )
    token = keep_upload(upload) if preview.ok and preview.pending else ""
    if token:
        # The audit log names the file as the user uploaded it (fdi_portal.audit).
        request.session[f"upload:{token}"] = upload.name
    return _page(request, imports, import_kind, city, form, preview, token)


@require_POST
def import_confirm(
    request: HttpRequest, kind: str, imports: ImportSet, city_code: str | None = None
) -> HttpResponse:
    """Apply a previewed upload, if it still means exactly what the user saw."""
    import_kind = imports.kind(kind)
    city = _allowed(request, import_kind, city_code)
    stored = upload_path(request.POST.get("token", ""))
    if stored is None or not stored.exists():
        messages.error(request, _("This upload has expired; upload the file again."))
        return redirect(imports.upload_url_name, *_args(city, import_kind.code))
    preview = import_kind.preview(
        stored, user=request.user, city=city, max_bytes=settings.UPLOAD_MAX_BYTES
    )
    shown_again = partial(
        _page, request, imports, import_kind, city, UploadForm(), preview, stored.stem
    )
    if not preview.ok or preview.fingerprint() != request.POST.get("fingerprint"):
        messages.warning(
            request, _("The stored data changed since the preview. Check again and confirm.")
        )
        return shown_again()
    if preview.warnings and not request.POST.get("confirm_warnings"):
        messages.error(
            request, _("Some values look implausible: check them and tick the box to confirm.")
        )
        return shown_again()
    try:
        counts = import_kind.apply(
            preview, user=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return shown_again()
    record_event(
        kind=AuditEvent.Kind.IMPORT,
        user=request.user,
        city=city,
        action=import_kind.title % {"city": city.name if city else ""},
        file_name=request.session.pop(f"upload:{stored.stem}", stored.name),
        sha256=sha256_of(stored.read_bytes()),
    )
    stored.unlink(missing_ok=True)
    messages.success(
        request,
        _("Imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.") % counts,
    )
    return redirect(import_kind.done(preview, city))


@require_GET
def import_template(
    request: HttpRequest, kind: str, imports: ImportSet, city_code: str | None = None
) -> HttpResponse:
    """An empty file of one of the import's layouts (``kind`` names the layout)."""
    import_kind, layout = imports.layout(kind)
    city = _allowed(request, import_kind, city_code)
    title, rows = layout.rows(request.user, city)
    # Named as the clerk reads it (「…实际使用外资（万美元）-每月一行.xlsx」), not by the URL's code.
    label = str(layout.label)
    response = HttpResponse(write_xlsx(rows, title=title, sheet_name=label[:31]), XLSX)
    filename = f"{title}-{label}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def import_urls(
    imports: ImportSet, *, upload: str, confirm: str, template: str
) -> list[URLPattern]:
    """The URL patterns of an app's imports: ``upload``, ``confirm`` and ``template`` are their
    routes (each with a ``kind``), named as ``imports`` says."""
    routes = (
        (upload, import_upload, imports.upload_url_name),
        (confirm, import_confirm, imports.confirm_url_name),
        (template, import_template, imports.template_url_name),
    )
    return [
        path(route, view, {"imports": imports}, name=name.rpartition(":")[2])
        for route, view, name in routes
    ]
