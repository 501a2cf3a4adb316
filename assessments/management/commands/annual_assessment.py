"""``python manage.py annual_assessment --city 450600 --year 2021 [--format json]``.

The annual score (年考评) of every assessed region under the plan's scoring scheme: the frozen
one once issued, else on the figures as they stand. Each indicator gives its input value
(ratios with four decimals, amounts with two, counts whole), method and points."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.models import AnnualAssessment
from assessments.selectors import assessment_data, assessment_json
from fdi_portal.models import City


class Command(BaseCommand):
    help = "Print the annual assessment of a city's regions as JSON."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", required=True, help="The city's administrative code.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"No city with code {options['city']}.") from None
        issued = AnnualAssessment.objects.issued().filter(city=city, year=options["year"]).first()
        data = issued.snapshot if issued else assessment_data(city, options["year"])
        if data is None:
            raise CommandError("The city's plan has no scoring scheme.")
        self.stdout.write(json.dumps(assessment_json(data), ensure_ascii=False, indent=2))
