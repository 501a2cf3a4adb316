"""``python manage.py annual_assessment --city 450600 --year 2021 [--scheme FILE.json]
[--format json]``.

The annual score (年考评) of every assessed region under the plan's scoring scheme: the frozen
one once issued, else on the figures as they stand. Each region gives its code, score, rank
and whether it was vetoed (一票否决); each indicator its code, input value (ratios with four
decimals, amounts with two, counts whole), method and points.

``--scheme FILE.json`` scores with the scheme in the file instead (what-if: the stored JSON
shape ``{"label", "indicators": [...], "vetoes": [...]}``) and stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.pages import assessment_page, score
from assessments.schemes import SchemeError, parse_scheme_json
from assessments.snapshots import assessment_json
from fdi_portal.models import City

#: A scheme file is a few kilobytes; anything far larger is not one.
MAX_SCHEME_BYTES = 1024 * 1024


class Command(BaseCommand):
    help = "Print the annual assessment of a city's regions as JSON (what-if with --scheme)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", required=True, help="The city's administrative code.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--scheme", help="Score with this scheme file (JSON) instead; nothing is stored."
        )
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"No city with code {options['city']}.") from None
        year = options["year"]
        if options["scheme"]:
            data = score(city, year, self._scheme(Path(options["scheme"])))
        else:
            data = assessment_page(city, year, drafts=True).data
        if data is None:
            raise CommandError("The city's plan has no scoring scheme.")
        self.stdout.write(json.dumps(assessment_json(data), ensure_ascii=False, indent=2))

    def _scheme(self, path: Path) -> dict:
        try:
            if path.stat().st_size > MAX_SCHEME_BYTES:
                raise CommandError(f"{path}: larger than {MAX_SCHEME_BYTES} bytes.")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            parse_scheme_json(text)  # every problem named by indicator and field
        except SchemeError as error:
            raise CommandError(f"{path}: {error}") from None
        return json.loads(text)
