"""``python manage.py send_reminders [--today 2021-07-11] [--dry-run] [--format json]`` — for
cron (e.g. daily at 08:00). Creates and emails every reminder due that was not sent before:
running it twice sends nothing twice. JSON: ``{"reminders": [{"user", "kind", "object",
"due"}]}`` — what was sent (with ``--dry-run``: what would be)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.services import send_reminders


class Command(BaseCommand):
    help = "Send the reminders due today (figures, reports, difficulties, complaints, leaders)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, help="The day to run as (default: today)."
        )
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing.")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        reminders = send_reminders(today=today, dry_run=options["dry_run"])
        if options["format"] == "json":
            self.stdout.write(
                json.dumps(
                    {"reminders": [r.as_json() for r in reminders]}, ensure_ascii=False, indent=2
                )
            )
            return
        for reminder in reminders:
            self.stdout.write(f"{reminder.username}\t{reminder.kind}\t{reminder.title}")
        verb = "would send" if options["dry_run"] else "sent"
        self.stderr.write(f"{len(reminders)} reminders {verb}.")
