"""``python manage.py import_figures FILE [--dry-run] [--city CODE] [--reason TEXT]``: import
monthly utilised-FDI figures (long or wide layout, amounts in 万美元) from an xlsx file.

All or nothing: every error is printed as 「工作表"…" 第N行 X列〈header〉：message」 and nothing
is written; otherwise a summary of new, changed and unchanged cells (each change with old → new).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assessments import services
from fdi_portal.lib.money import format_wan
from fdi_portal.models import City


class ImportCommand(BaseCommand):
    """Shared by import_figures and import_targets; ``preview`` reads and checks the file."""

    def preview(self, path: str, *, city: City | None) -> services.ImportPreview:
        raise NotImplementedError

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
            help=_(
                "Only accept regions of this city (its 6-digit administrative code, e.g. 450600)."
            ),
        )
        parser.add_argument(
            "--reason",
            metavar="TEXT",
            default="",
            help=_(
                "Why the figures change; required once a notice covering a changed month has "
                "been issued."
            ),
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
        verbosity = options["verbosity"]
        for change in preview.changes:
            if (change.status == "changed" and verbosity >= 1) or (
                change.status == "new" and verbosity >= 2
            ):
                self.stdout.write(self._describe(change))
        self.stdout.write(
            _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged cells.") % preview.counts
        )
        reason = options["reason"]
        if options["dry_run"]:
            if preview.reason_required and not reason.strip():
                self.stdout.write(
                    _(
                        "A notice covering these months has been issued: the import will need "
                        "--reason."
                    )
                )
            self.stdout.write(_("Dry run: nothing was written."))
            return
        try:
            services.apply_import(preview, user=user, reason=reason)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(_("Imported.")))

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

    def _describe(self, change: services.CellChange) -> str:
        period = str(change.year) if change.month is None else f"{change.year}-{change.month:02d}"
        return _("Row %(row)s, %(region)s %(period)s: %(old)s → %(new)s 万美元") % {
            "row": change.row,
            "region": change.region.name,
            "period": period,
            "old": format_wan(change.old_usd, 4) if change.old_usd is not None else "—",
            "new": format_wan(change.new_usd, 4),
        }


class Command(ImportCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for
        return _(
            "Import monthly utilised-FDI figures (万美元) from an xlsx file: 地区 | 年份 | 月份 | "
            "实际使用外资（万美元）, or 地区 | 年份 | 1月 … 12月. All or nothing."
        )

    def preview(self, path: str, *, city: City | None) -> services.ImportPreview:
        return services.preview_figures_import(path, city=city, max_bytes=settings.UPLOAD_MAX_BYTES)
