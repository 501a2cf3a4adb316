"""``python manage.py quarterly_review --city 450600 --year 2021 --quarter 2 [--format json]``.

The quarterly review (季约谈): the regions to interview, decided on the issued quarter-end
notice (on the current figures while it is not issued; ``"issued"`` says which), each with
its reason in words, and the campaign figures (null while the projects module is absent)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from assessments.pages import quarterly_review, quarterly_review_json
from fdi_portal.models import City


class Command(BaseCommand):
    help = "Print the quarterly interview list and campaign figures of a city."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--city", required=True, help="The city's administrative code.")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--quarter", type=int, required=True, choices=(1, 2, 3, 4))
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            city = City.objects.get(admin_code=options["city"])
        except City.DoesNotExist:
            raise CommandError(f"No city with code {options['city']}.") from None
        review = quarterly_review(city, options["year"], options["quarter"], drafts=True)
        data = quarterly_review_json(city, review)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
