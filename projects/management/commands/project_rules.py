"""``python manage.py project_rules --city 450600 --year 2021 [--today 2021-12-31] --format json``:
the clause-derived rules each project of the city meets, and its alerts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from fdi_portal.models import City
from projects.alerts import city_project_reports


class Command(BaseCommand):
    help = "List each project's triggered rules (consequence codes) and alerts."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", required=True, help="The city's administrative code.")
        parser.add_argument("--year", type=int, required=True, help="The year of the arrivals.")
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="The day alerts are computed for."
        )
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"No city with code {options['city']}.") from None
        today = options["today"] or timezone.localdate()
        reports = city_project_reports(city, year=options["year"], today=today)
        rows = [
            {
                "name": report.project.name,
                "rules": [rule.consequence_code for rule in report.rules],
                "alerts": [
                    {"code": alert.code, "days": alert.days, "detail": alert.detail}
                    for alert in report.alerts
                ],
            }
            for report in reports
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps({"projects": rows}, ensure_ascii=False, indent=2))
            return
        for row in rows:
            alerts = ", ".join(a["code"] for a in row["alerts"]) or "-"
            self.stdout.write(
                f"{row['name']}\trules: {', '.join(row['rules']) or '-'}\talerts: {alerts}"
            )
