"""What every spreadsheet import of the portal shares (figures, targets, arrivals, project
lists): the preview of what confirming would change, the store that keeps an upload between its
preview and its confirmation, and the command-line front end.

The reading itself is fdi_portal.spreadsheets; each app resolves its own references and writes
its own rows in its services.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from fdi_portal.models import City
from fdi_portal.spreadsheets import CellError, limit_errors

ChangeStatus = Literal["new", "changed", "unchanged"]
#: Rows written per INSERT or UPDATE statement.
BATCH_SIZE = 500
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


def keep_upload(upload: UploadedFile) -> str:
    """Store an upload until its confirmation and return its token. Uploads nobody confirmed
    within UPLOAD_LIFETIME are deleted on the way."""
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.xlsx"):
        if stale.stat().st_mtime < time.time() - UPLOAD_LIFETIME:
            stale.unlink(missing_ok=True)
    token = uuid.uuid4().hex
    with (directory / f"{token}.xlsx").open("wb") as out:
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
        if options["dry_run"]:
            self.dry_run_notes(preview, options)
            self.stdout.write(_("Dry run: nothing was written."))
            return
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
