"""``python manage.py import_targets FILE [--dry-run] [--city CODE] [--reason TEXT]``: import the
regions' yearly utilised-FDI targets (地区 | 年份 | 目标（万美元）) from an xlsx file, all or
nothing, reporting like import_figures."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from assessments.figure_imports import preview_targets_import
from assessments.management.commands.import_figures import FigureImportCommand
from fdi_portal.imports import Preview
from fdi_portal.models import City


class Command(FigureImportCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for
        return _(
            "Import the regions' yearly targets (万美元) from an xlsx file: 地区 | 年份 | "
            "目标（万美元）. All or nothing."
        )

    def preview(self, path: str, *, city: City | None) -> Preview:
        return preview_targets_import(path, city=city, max_bytes=settings.UPLOAD_MAX_BYTES)
