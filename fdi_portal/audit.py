"""Every write audited. Rows keep their own history (django-simple-history: who, when, what,
why); what is not a row's change — an import confirmed, a file exported, a notice issued — is
an :class:`~fdi_portal.models.AuditEvent` with the file's name and SHA-256. The audit page
reads both as one list (:func:`audit_entries`): one UNION query, filtered, newest first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.apps import apps
from django.db import models
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fdi_portal.models import AuditEvent, City, membership_of

_CHUNK = 1024 * 1024


def sha256_of(content: bytes | str | IO[bytes]) -> str:
    """The hex SHA-256 of bytes, of text (UTF-8) or of a seekable binary file (read from the
    start in chunks and left at the start)."""
    digest = hashlib.sha256()
    if isinstance(content, str):
        digest.update(content.encode())
    elif isinstance(content, bytes | bytearray):
        digest.update(content)
    else:
        content.seek(0)
        while chunk := content.read(_CHUNK):
            digest.update(chunk)
        content.seek(0)
    return digest.hexdigest()


def snapshot_sha256(snapshot: Any) -> str:
    """The SHA-256 of an issued snapshot in a canonical JSON form (keys sorted)."""
    return sha256_of(json.dumps(snapshot, sort_keys=True, ensure_ascii=False, default=str))


def record_event(
    *,
    kind: str,
    user: Any,
    action: str,
    city: City | None = None,
    file_name: str = "",
    sha256: str = "",
) -> AuditEvent:
    """Log an import, export or issue. ``city`` defaults to the user's city."""
    authenticated = getattr(user, "is_authenticated", False)
    if city is None and authenticated:
        membership = membership_of(user)
        city = membership.city if membership is not None else None
    return AuditEvent.objects.create(
        kind=kind,
        user=user if authenticated else None,
        city=city,
        action=str(action)[:200],
        file_name=file_name[:255],
        sha256=sha256,
    )


# --------------------------------------------------------------------------- exports


def _attachment_name(response: HttpResponse) -> str | None:
    """The file name of a download (Content-Disposition: attachment), else None."""
    disposition = response.get("Content-Disposition", "")
    if not disposition.startswith("attachment"):
        return None
    for part in disposition.split(";"):
        key, _sep, value = part.strip().partition("=")
        if key == "filename*" and value.lower().startswith("utf-8''"):
            from urllib.parse import unquote

            return unquote(value[7:])
        if key == "filename":
            return value.strip('"')
    return ""


class AuditExportsMiddleware:
    """Logs every file a logged-in user downloads (an xlsx export, a notice, a template):
    any response sent as an attachment, whichever view made it, with its name and SHA-256."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if response.status_code != 200 or not getattr(user, "is_authenticated", False):
            return response
        name = _attachment_name(response)
        if name is None:
            return response
        event = {"kind": AuditEvent.Kind.EXPORT, "user": user, "file_name": name}
        event["action"] = request.path
        file = getattr(response, "file_to_stream", None)
        if not response.streaming:
            record_event(**event, sha256=sha256_of(response.content))
        elif file is not None and hasattr(file, "seek") and file.seekable():
            # An export written to a temporary file first: complete, so hashed now.
            record_event(**event, sha256=sha256_of(file))
        else:
            response.streaming_content = _hashed(response.streaming_content, event)
        return response


def _hashed(chunks: Iterable[bytes], event: dict[str, Any]) -> Iterator[bytes]:
    """Pass a streamed download through, then log it with the digest of what was sent."""
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
        yield chunk
    record_event(**event, sha256=digest.hexdigest())


# --------------------------------------------------------------------------- the audit page


@dataclass(frozen=True)
class Source:
    """One kind of write on the audit page: a model with history (or the audit events),
    the path from a row to its city and the text that names the row."""

    code: str
    label: str | Promise
    model: str  # app_label.ModelName; its history model is read
    city: str
    name: Callable[[], Any]


def _ym() -> Any:
    return Concat(
        Cast("year", CharField()), Value("-"), Cast("month", CharField()), output_field=CharField()
    )


def _with(field: str, *more: Any) -> Callable[[], Any]:
    return lambda: Concat(F(field), *more, output_field=CharField()) if more else F(field)


SOURCES: tuple[Source, ...] = (
    Source("project", _("Project"), "projects.Project", "city", _with("name")),
    Source(
        "arrival",
        _("Arrival"),
        "projects.Arrival",
        "project__city",
        lambda: Concat(F("project__name"), Value(" "), _ym(), output_field=CharField()),
    ),
    Source("difficulty", _("Difficulty"), "projects.Difficulty", "project__city", _with("text")),
    Source("complaint", _("Complaint"), "projects.Complaint", "project__city", _with("text")),
    Source("event", _("Promotion event"), "projects.PromotionEvent", "city", _with("title")),
    Source("rule", _("Project rule"), "projects.ProjectRule", "plan__city", _with("consequence")),
    Source("plan", _("Plan"), "tasks.Plan", "city", _with("title")),
    Source("task", _("Task"), "tasks.Task", "plan__city", _with("title")),
    Source(
        "assignment", _("Assignment"), "tasks.Assignment", "task__plan__city", _with("task__title")
    ),
    Source("membership", _("Membership"), "fdi_portal.Membership", "city", _with("user__username")),
    Source(
        "city_target",
        _("City target"),
        "assessments.CityTarget",
        "city",
        lambda: Cast("year", CharField()),
    ),
    Source(
        "region_target",
        _("Region target"),
        "assessments.RegionTarget",
        "region__city",
        lambda: Concat(
            F("region__name"), Value(" "), Cast("year", CharField()), output_field=CharField()
        ),
    ),
    Source(
        "figure",
        _("Monthly figure"),
        "assessments.MonthlyFigure",
        "region__city",
        lambda: Concat(F("region__name"), Value(" "), _ym(), output_field=CharField()),
    ),
    Source(
        "scheme", _("Scoring scheme"), "assessments.ScoringScheme", "plan__city", _with("label")
    ),
    Source(
        "schedule",
        _("Progress schedule"),
        "assessments.ProgressSchedule",
        "plan__city",
        _with("plan__title"),
    ),
    Source(
        "submission",
        _("Figure submission"),
        "assessments.FigureSubmission",
        "region__city",
        lambda: Concat(F("region__name"), Value(" "), _ym(), output_field=CharField()),
    ),
    Source("lock", _("Month lock"), "assessments.PeriodLock", "city", _ym),
    Source(
        "interview",
        _("Interview"),
        "assessments.Interview",
        "city",
        lambda: Concat(
            F("region__name"),
            Value(" "),
            Cast("year", CharField()),
            Value(" Q"),
            Cast("quarter", CharField()),
            output_field=CharField(),
        ),
    ),
    Source("goal", _("Goal"), "tasks.Goal", "plan__city", _with("text")),
    Source(
        "report",
        _("Progress report"),
        "tasks.ProgressReport",
        "task__plan__city",
        _with("task__title"),
    ),
    Source(
        "stage_change",
        _("Stage change"),
        "projects.StageChange",
        "project__city",
        lambda: Concat(F("project__name"), Value(" → "), F("to_stage"), output_field=CharField()),
    ),
    Source(
        "progress_entry",
        _("Project progress entry"),
        "projects.ProgressEntry",
        "project__city",
        _with("project__name"),
    ),
)

#: The kind filter's choices: the logged events, then each history.
KINDS: list[tuple[str, Any]] = [
    *AuditEvent.Kind.choices,
    *((source.code, source.label) for source in SOURCES),
]

#: The columns of the audit list, in UNION order.
COLUMNS = ("at", "user_id", "kind", "change", "name", "file_name", "sha256", "reason", "ref")


def _history_model(source: Source) -> type[models.Model] | None:
    model = apps.get_model(source.model)
    history = getattr(model, "history", None)
    return history.model if history is not None else None


def _text(value: str) -> Value:
    return Value(value, output_field=CharField())


_ALIASES = tuple(f"a_{column}" for column in COLUMNS)


def audit_entries(
    *,
    city: City | None,
    kind: str = "",
    user_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> models.QuerySet:
    """Audit events and history rows as one queryset of dicts (keys ``a_<column>`` of
    ``COLUMNS``), newest first: ``kind`` is an event kind or a history source's code; ``city``
    None means every city (administrators); the dates are inclusive (server time zone)."""
    parts = []
    if kind in ("", *AuditEvent.Kind.values):
        events = AuditEvent.objects.all()
        if kind:
            events = events.filter(kind=kind)
        if city is not None:
            events = events.filter(city=city)
        if user_id is not None:
            events = events.filter(user_id=user_id)
        if since is not None:
            events = events.filter(at__date__gte=since)
        if until is not None:
            events = events.filter(at__date__lte=until)
        parts.append(
            events.annotate(
                a_at=F("at"),
                a_user_id=F("user_id"),
                a_kind=F("kind"),
                a_change=_text(""),
                a_name=F("action"),
                a_file_name=F("file_name"),
                a_sha256=F("sha256"),
                a_reason=_text(""),
                a_ref=F("pk"),
            )
            .order_by()
            .values(*_ALIASES)
        )
    for source in SOURCES:
        if kind and kind != source.code:
            continue
        history = _history_model(source)
        if history is None:
            continue
        rows = history.objects.all()
        if city is not None:
            rows = rows.filter(**{source.city: city})
        if user_id is not None:
            rows = rows.filter(history_user_id=user_id)
        if since is not None:
            rows = rows.filter(history_date__date__gte=since)
        if until is not None:
            rows = rows.filter(history_date__date__lte=until)
        parts.append(
            rows.annotate(
                a_at=F("history_date"),
                a_user_id=F("history_user_id"),
                a_kind=_text(source.code),
                a_change=F("history_type"),
                a_name=Coalesce(source.name(), _text(""), output_field=CharField()),
                a_file_name=_text(""),
                a_sha256=_text(""),
                a_reason=Coalesce("history_change_reason", _text(""), output_field=CharField()),
                a_ref=F("history_id"),
            )
            .order_by()
            .values(*_ALIASES)
        )
    if not parts:
        return AuditEvent.objects.none().values()
    first, *rest = parts
    combined = first.union(*rest, all=True) if rest else first
    return combined.order_by("-a_at", "-a_ref")
