"""``python manage.py import_arrivals FILE [--dry-run] [--city CODE] [--reason TEXT]``: import
projects' monthly arrived FDI (实际到位外资) from an xlsx file: 项目名称 or 项目编号 | 年份 |
月份 | 到位外资（万美元）. ``--reason`` once a campaign notice reporting a changed month is issued.

All or nothing: every error is printed as 「工作表"…" 第N行 X列〈header〉：message」 and nothing
is written; otherwise a summary of new, changed and unchanged rows.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from fdi_portal.imports import ImportCommand, Preview
from fdi_portal.models import City
from projects import arrival_import
from projects.models import Project


class Command(ImportCommand):
    help = "Import projects' monthly arrived FDI (万美元) from an xlsx file. All or nothing."

    def preview(self, path: str, *, city: City | None) -> Preview:
        projects = Project.objects.all() if city is None else Project.objects.in_city(city)
        return arrival_import.preview_arrivals_import(
            path, projects=projects, max_bytes=settings.UPLOAD_MAX_BYTES
        )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--reason",
            metavar="TEXT",
            default="",
            help=_(
                "Why the arrivals change; required once a campaign notice reporting a changed "
                "month has been issued."
            ),
        )

    def apply(self, preview: Preview, *, user: Any, options: dict[str, Any]) -> None:
        arrival_import.apply_arrivals_import(preview, reason=options["reason"])
