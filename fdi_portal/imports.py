"""What every spreadsheet import of the portal shares (figures, targets, arrivals, project
lists): the preview of what confirming would change, the store that keeps an upload between its
preview and its confirmation, the one region lookup (地区 by name, short name or code) and the
command-line front end.

The reading itself is fdi_portal.lib.spreadsheets; the web pages (upload → preview → confirm) are
fdi_portal.import_views. Each app compares its rows with what is stored and writes them:
assessments.figure_imports (figures, targets), projects.arrival_import and
projects.project_import.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import time
import unicodedata
import uuid
from argparse import ArgumentParser
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any, Literal, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import BooleanField, Case, Model, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fdi_portal.cache import data_written
from fdi_portal.lib.private_files import open_private, private_folder
from fdi_portal.lib.spreadsheets import CellError, limit_errors
from fdi_portal.models import City, Region

ChangeStatus = Literal["new", "changed", "unchanged"]
#: Rows written per INSERT or UPDATE statement.
BATCH_SIZE = 500
#: Rows per INSERT statement of insert_rows (fewer when the database takes fewer parameters).
INSERT_BATCH_SIZE = 2_000
#: Rows per COPY of insert_rows (PostgreSQL): bounds the text held at once to a few MB.
COPY_BATCH_SIZE = 20_000
#: Uploads nobody confirmed are deleted after this many seconds.
UPLOAD_LIFETIME = 24 * 3600


class Change(Protocol):
    """One row or cell of an import compared with what is stored."""

    @property
    def status(self) -> ChangeStatus: ...

    @property
    def key(self) -> str:
        """What it writes, old value included: equal keys mean the same write."""
        ...


class AmountChange:
    """What a change of one stored amount (a figure, a target, an arrival) shares: new when
    nothing is stored, else changed or unchanged. Mixed into a dataclass with these fields."""

    old_usd: Decimal | None
    new_usd: Decimal

    @property
    def status(self) -> ChangeStatus:
        if self.old_usd is None:
            return "new"
        return "unchanged" if self.old_usd == self.new_usd else "changed"


@dataclass(frozen=True)
class Preview:
    """What an import would do, change by change, or why it cannot be done.

    ``errors`` are the problems rendered for people (「工作表"Sheet1" 第7行 A列〈地区〉：…」),
    file-level first, then in row and column order; ``problems`` are the same as CellError.
    When there is any error, ``changes`` is empty: a bad file changes nothing.
    """

    kind: str
    sheet: str
    changes: tuple[Any, ...]
    errors: tuple[str, ...] = ()
    problems: tuple[CellError, ...] = ()
    reason_required: bool = False
    #: Values that look implausible (e.g. 3× the usual month): the user must confirm them.
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(change.status for change in self.changes)
        return {status: counted.get(status, 0) for status in ("new", "changed", "unchanged")}

    @property
    def pending(self) -> list[Any]:
        return [change for change in self.changes if change.status != "unchanged"]

    def fingerprint(self) -> str:
        """Identifies exactly what confirming will write; the confirmation carries it, so a
        file or a stored value that changed after the preview is never applied unseen."""
        text = "|".join(change.key for change in self.pending)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @classmethod
    def failed(cls, kind: str, sheet: str, errors: Iterable[CellError]) -> Preview:
        ordered = sorted(errors, key=lambda e: (e.row or 0, len(e.column or ""), e.column or ""))
        ordered = limit_errors(ordered)  # the first 200, then 「…及另外N个错误」
        return cls(kind, sheet, (), tuple(str(e) for e in ordered), tuple(ordered))


def insert_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    same: Mapping[str, Any] | None = None,
) -> int:
    """INSERT ``rows`` (values of ``fields``, ready for the database driver: ints, Decimals,
    strings, booleans, None, and datetimes adapted by ``connection.ops``) into ``model``'s
    table, each row with the values of ``same`` (field → value) too; returns how many. What ``bulk_create`` does for an import of 100 000 cells, without
    building and preparing a model instance per row (most of its time): PostgreSQL loads them
    with COPY (a third of the time of multi-row INSERTs, whose parameters psycopg2 quotes one
    by one), SQLite with multi-row INSERTs. Bypasses save(), signals and history: the caller
    writes the history rows too. Django's query log does not see a COPY."""
    same = dict(same or {})
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(model._meta.get_field(f).column) for f in (*fields, *same)
    )
    iterator = iter(rows)
    count = 0
    with connection.cursor() as cursor:
        copy = getattr(cursor.cursor, "copy_expert", None)  # psycopg2
        if connection.vendor == "postgresql" and copy is not None:
            end = "".join(f"\t{_copy_text(value)}" for value in same.values()) + "\n"
            while batch := list(islice(iterator, COPY_BATCH_SIZE)):
                text = "".join("\t".join(map(_copy_text, row)) + end for row in batch)
                with connection.wrap_database_errors:  # IntegrityError as Django's
                    copy(f"COPY {table} ({columns}) FROM STDIN", io.StringIO(text))
                count += len(batch)
            # A COPY passes by the connection's execute wrappers: retire the cached pages here.
            data_written(connection)
            return count
        width = len(fields) + len(same)
        group = "(" + ", ".join(["%s"] * width) + ")"
        per_statement = max(1, min(INSERT_BATCH_SIZE, _max_query_params() // width))
        constants = tuple(same.values())
        while batch := list(islice(iterator, per_statement)):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([group] * len(batch))}",
                [value for row in batch for value in (*row, *constants)],
            )
            count += len(batch)
    return count


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _max_query_params() -> int:
    """Parameters one statement may take. Django assumes 999 for SQLite, the limit of SQLite
    before 3.32; the library says what it really takes (32 766 since then)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        getlimit = getattr(connection.connection, "getlimit", None)  # Python 3.11+
        if getlimit is not None:
            return getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return connection.features.max_query_params or 30_000


def update_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UPDATE ``fields`` of ``model``'s rows: each of ``rows`` is (pk, value of each field),
    ready for the driver as in :func:`insert_rows`; returns how many. PostgreSQL: one
    ``UPDATE … FROM (VALUES …)`` per thousands of rows; SQLite: one statement per row, sent
    with executemany (a loop inside the library, no round trips to make)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    columns = [model._meta.get_field(f) for f in fields]
    params = [tuple(row) for row in rows]
    if not params:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [(*values, key) for key, *values in params],
            )
            return len(params)
        names = ", ".join(f"v{i}" for i in range(len(columns) + 1))
        assignments = ", ".join(
            f"{quote(c.column)} = CAST(v.v{i} AS {c.db_type(connection)})"
            for i, c in enumerate(columns, start=1)
        )
        key_type = model._meta.pk.rel_db_type(connection)
        group = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
        per_statement = max(1, min(INSERT_BATCH_SIZE, _max_query_params() // (len(columns) + 1)))
        for start in range(0, len(params), per_statement):
            batch = params[start : start + per_statement]
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM (VALUES "
                f"{', '.join([group] * len(batch))}) AS v ({names}) "
                f"WHERE {table}.{pk} = CAST(v.v0 AS {key_type})",
                [value for row in batch for value in row],
            )
    return len(params)


def name_key(written: str | None) -> str:
    """How imports compare names: 「甘肃(武威)国际陆港」 and 「甘肃（武威）国际陆港」, 「上思 县」 and
    「上思县」, 「东盟 粮油（一期）」 and 「东盟粮油(一期)」 are the same."""
    return "".join(unicodedata.normalize("NFKC", written or "").split())


@dataclass(frozen=True)
class RegionMessages:
    """What a :class:`RegionLookup` says about a 地区 it does not accept, each with
    ``%(name)s`` (as written); ``outside`` also has ``%(other)s`` (the city the region belongs
    to) and ``%(city)s`` (the lookup's city). The defaults are the figures imports'."""

    refused: str | Promise = gettext_lazy(
        "「%(name)s」 is a park or zone and is not assessed: enter its utilised FDI "
        "under its county, district or county-level city"
    )
    ambiguous: str | Promise = gettext_lazy(
        "「%(name)s」 names regions of several cities: write its 6-digit administrative code"
    )
    outside: str | Promise = gettext_lazy(
        "「%(name)s」 belongs to %(other)s, not to %(city)s: remove the row or import it "
        "from that city's page"
    )
    unknown: str | Promise = gettext_lazy(
        "Unknown region 「%(name)s」: write a region's name or its 6-digit administrative code "
        "as the template lists them"
    )


class RegionLookup:
    """Resolves 地区 — a region's name, short name or 6-digit code, compared by
    :func:`name_key` — among the regions an import may name, with one query.

    ``regions``: those the import may name (default: ``city``'s; every region without a city).
    A region outside them is refused with ``messages.outside`` (it exists, in another city or
    outside what the user may change), a name nobody has with ``messages.unknown``, a name
    several of them share with ``messages.ambiguous`` (write the code, unique nationwide).
    Parks are refused (their projects count under their county) with ``messages.refused``;
    with ``assessed_only``, every region that is not assessed instead (figures and targets:
    parks are not assessed, their utilised FDI counts under their county).
    """

    def __init__(
        self,
        regions: QuerySet[Region] | None = None,
        *,
        city: City | None = None,
        assessed_only: bool = False,
        messages: RegionMessages | None = None,
    ) -> None:
        if regions is None:
            regions = Region.objects.all() if city is None else Region.objects.in_city(city)
        self.city = city
        self.assessed_only = assessed_only
        self.messages = messages or RegionMessages()
        self.within: dict[str, list[Region]] = defaultdict(list)
        self.outside: dict[str, list[Region]] = defaultdict(list)
        #: The regions the import may name, whatever the file says.
        self.regions: list[Region] = []
        # Every region, so that one outside the import is told apart from a typo.
        named = Case(
            When(pk__in=regions.order_by().values("pk"), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        everything = Region.objects.select_related("city").annotate(named=named).order_by()
        for region in everything:
            if region.named:
                self.regions.append(region)
            index = self.within if region.named else self.outside
            keys = {name_key(w) for w in (region.name, region.short_name, region.admin_code)}
            for key in keys - {""}:
                index[key].append(region)

    def resolve(self, written: str) -> tuple[Region | None, str]:
        """The region, or None and a message saying what to fix."""
        key = name_key(written)
        found = self.within.get(key, [])
        if len(found) > 1:
            return None, self.messages.ambiguous % {"name": written}
        if found:
            region = found[0]
            if self._refused(region):
                return None, self.messages.refused % {"name": written}
            return region, ""
        other = self.outside.get(key)
        if other:
            return None, self.messages.outside % {
                "name": written,
                "other": other[0].city.name,
                "city": self.city.name if self.city else "",
            }
        return None, self.messages.unknown % {"name": written}

    def _refused(self, region: Region) -> bool:
        if self.assessed_only:
            return not region.assessed
        return region.kind == Region.Kind.PARK


def keep_upload(upload: UploadedFile) -> str:
    """Store an upload until its confirmation and return its token. Uploads nobody confirmed
    within UPLOAD_LIFETIME are deleted on the way."""
    directory = private_folder(Path(settings.IMPORT_DIR))
    for stale in directory.glob("*.xlsx"):
        if stale.stat().st_mtime < time.time() - UPLOAD_LIFETIME:
            stale.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    with open_private(directory / f"{token}.xlsx") as out:  # personal data: owner only
        for chunk in upload.chunks():
            out.write(chunk)
    return token


def upload_path(token: str) -> Path | None:
    """Where the upload of ``token`` waits; None for a token that cannot be one of ours."""
    if not (token.isalnum() and token.isascii()):
        return None
    return Path(settings.IMPORT_DIR) / f"{token}.xlsx"


class ImportCommand(BaseCommand):
    """``manage.py import_… FILE [--dry-run] [--city CODE] [--user NAME]``.

    All or nothing: every error is printed and nothing is written; otherwise a summary of new,
    changed and unchanged rows. Subclasses read the file in ``preview`` and write in ``apply``.
    """

    def preview(self, path: str, *, city: City | None) -> Preview:
        raise NotImplementedError

    def apply(self, preview: Preview, *, user: Any, options: dict[str, Any]) -> None:
        raise NotImplementedError

    def describe(self, change: Any) -> str | None:
        """A line for a change (printed for changed rows; for new ones too at -v 2)."""
        return None

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help=_("The .xlsx file to import."))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Check the file and show what would change, but write nothing."),
        )
        parser.add_argument(
            "--city",
            metavar="CODE",
            help=_("Only accept this city's rows (its 6-digit administrative code, e.g. 450600)."),
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=_("Record the change in the history as made by this user."),
        )
        parser.add_argument(
            "--confirm-warnings",
            action="store_true",
            help=_("Import values that look implausible (e.g. 3× the usual month) all the same."),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        city = self._city(options["city"])
        user = self._user(options["user"])
        preview = self.preview(options["file"], city=city)
        if not preview.ok:
            for error in preview.errors:
                self.stderr.write(error)
            raise CommandError(
                _("Nothing was imported: the file has %(count)s errors. Correct it and run again.")
                % {"count": len(preview.errors)}
            )
        for change in preview.changes:
            if change.status == "changed" or (change.status == "new" and options["verbosity"] >= 2):
                line = self.describe(change)
                if line:
                    self.stdout.write(line)
        self.stdout.write(self.summary(preview.counts))
        for warning in preview.warnings:
            self.stdout.write(_("Check: %(warning)s") % {"warning": warning})
        if options["dry_run"]:
            self.dry_run_notes(preview, options)
            self.stdout.write(_("Dry run: nothing was written."))
            return
        if preview.warnings and not options["confirm_warnings"]:
            raise CommandError(
                _(
                    "Some values look implausible (listed above): check them, then run again "
                    "with --confirm-warnings."
                )
            )
        try:
            self.apply(preview, user=user, options=options)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(_("Imported.")))

    def summary(self, counts: dict[str, int]) -> str:
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged rows.") % counts

    def dry_run_notes(self, preview: Preview, options: dict[str, Any]) -> None:
        """What a dry run should also say (e.g. that a reason will be needed)."""

    def _city(self, code: str | None) -> City | None:
        if not code:
            return None
        try:
            return City.objects.get(admin_code=code.strip())
        except City.DoesNotExist:
            raise CommandError(
                _("No city has the administrative code %(code)s.") % {"code": code}
            ) from None

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        try:
            return get_user_model().objects.get_by_natural_key(username)
        except get_user_model().DoesNotExist:
            raise CommandError(_("No user is called %(name)s.") % {"name": username}) from None
