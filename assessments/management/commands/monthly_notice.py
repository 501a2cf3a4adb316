"""``python manage.py monthly_notice --city 450600 --year 2021 --month 6
[--format json|xlsx|docx|pdf] [--issue [--issued-on 2021-07-05] [--number 6]] [--output FILE]``.

Prints the monthly notice (月通报): the frozen one once issued, else the figures as they stand.
JSON: amounts in USD as strings with two decimals, ratios with four (half-up), null where
undefined. xlsx: the table; docx: the official document (公文, GB/T 9704 layout); pdf: that
document converted by LibreOffice. ``--issue`` issues it first (number, issue date, frozen
snapshot)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments import documents
from assessments.exports import notice_export_rows
from assessments.issuing import issue_notice
from assessments.pages import notice_page
from fdi_portal.lib.spreadsheets import write_xlsx
from fdi_portal.models import City


class Command(BaseCommand):
    help = "Print (or issue) the monthly notice of a city as JSON or xlsx."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", required=True, help="The city's administrative code.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True, choices=range(1, 13))
        parser.add_argument("--format", choices=["json", "xlsx", "docx", "pdf"], default="json")
        parser.add_argument(
            "--output",
            help="File to write (default: notice-CITY-Y-MM.xlsx|docx|pdf).",
        )
        parser.add_argument("--issue", action="store_true", help="Issue the notice first.")
        parser.add_argument(
            "--issued-on", type=dt.date.fromisoformat, help="Issue date (default: today)."
        )
        parser.add_argument("--number", type=int, help="The N of 〔Y〕第N期 (default: the next).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"No city with code {options['city']}.") from None
        year, month = options["year"], options["month"]
        if options["issue"]:
            try:
                notice = issue_notice(
                    city=city,
                    year=year,
                    month=month,
                    issued_on=options["issued_on"] or timezone.localdate(),
                    sequence=options["number"],
                    user=None,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stderr.write(f"Issued {notice.number}.")
        page = notice_page(city, year, month, drafts=True)
        if options["format"] == "json":
            self.stdout.write(json.dumps(page.snapshot["notice"], ensure_ascii=False, indent=2))
            return
        fmt = options["format"]
        path = Path(options["output"] or f"notice-{city.admin_code}-{year}-{month:02d}.{fmt}")
        if fmt == "xlsx":
            content = write_xlsx(
                notice_export_rows(page.report), title=page.title, sheet_name="通报"
            )
        else:
            content = documents.notice_document(page)
            if fmt == "pdf":
                try:
                    content = documents.to_pdf(content)
                except documents.ConversionError as error:
                    raise CommandError(str(error)) from None
        path.write_bytes(content)
        self.stderr.write(f"Wrote {path}.")
