"""``python manage.py import_figures FILE [--dry-run] [--city CODE] [--reason TEXT] [--user NAME]
[--confirm-warnings]``:
import monthly utilised-FDI figures (long or wide layout, amounts in 万美元) from an xlsx file.

All or nothing: every error is printed as 「工作表"…" 第N行 X列〈header〉：message」 and nothing
is written; otherwise a summary of new, changed and unchanged cells (each change with old → new).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.figure_imports import CellChange, apply_import, preview_figures_import
from fdi_portal.imports import ImportCommand, Preview
from fdi_portal.lib.money import format_wan
from fdi_portal.models import City


class FigureImportCommand(ImportCommand):
    """Shared by import_figures and import_targets: a reason once a notice covers the change."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reason",
            metavar="TEXT",
            default="",
            help=_(
                "Why the figures change; required once a notice covering a changed month has "
                "been issued."
            ),
        )

    def apply(self, preview: Preview, *, user: Any, options: dict[str, Any]) -> None:
        apply_import(preview, user=user, reason=options["reason"])

    def dry_run_notes(self, preview: Preview, options: dict[str, Any]) -> None:
        if preview.reason_required and not options["reason"].strip():
            self.stdout.write(
                _("A notice covering these months has been issued: the import will need --reason.")
            )

    def summary(self, counts: dict[str, int]) -> str:
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged cells.") % counts

    def describe(self, change: CellChange) -> str:
        period = str(change.year) if change.month is None else f"{change.year}-{change.month:02d}"
        return _("Row %(row)s, %(region)s %(period)s: %(old)s → %(new)s 万美元") % {
            "row": change.row,
            "region": change.region.name,
            "period": period,
            "old": format_wan(change.old_usd, 4) if change.old_usd is not None else "—",
            "new": format_wan(change.new_usd, 4),
        }


class Command(FigureImportCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for
        return _(
            "Import monthly utilised-FDI figures (万美元) from an xlsx file: 地区 | 年份 | 月份 | "
            "实际使用外资（万美元）, or 地区 | 年份 | 1月 … 12月. All or nothing."
        )

    def preview(self, path: str, *, city: City | None) -> Preview:
        return preview_figures_import(path, city=city, max_bytes=settings.UPLOAD_MAX_BYTES)
