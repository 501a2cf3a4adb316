"""``python manage.py import_projects FILE [--dry-run] [--city CODE] [--user NAME]``: import a
project list from an xlsx file (项目名称 | 地区 | 投资方 | … | 总部类型); projects are matched by
name within the region's city and updated, the others created. All or nothing."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from fdi_portal.imports import ImportCommand, Preview
from fdi_portal.models import City, Region
from projects import project_import


class Command(ImportCommand):
    help = "Import a foreign-investment project list from an xlsx file. All or nothing."

    def preview(self, path: str, *, city: City | None) -> Preview:
        regions = Region.objects.all() if city is None else Region.objects.in_city(city)
        return project_import.preview_projects_import(
            path, regions=regions, max_bytes=settings.UPLOAD_MAX_BYTES
        )

    def apply(self, preview: Preview, *, user: Any, options: dict[str, Any]) -> None:
        project_import.apply_projects_import(preview, user=user, today=timezone.localdate())
