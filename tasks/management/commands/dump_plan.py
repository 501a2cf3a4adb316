from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tasks.models import Plan
from tasks.selectors import plan_fixture_json


class Command(BaseCommand):
    help = (
        "Print a plan with its goals, tasks and assignments as a fixture with natural keys "
        "(how fixtures/plans/*.json are made)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("city", help="The city's six-digit code.")
        parser.add_argument("title", help="The plan's title.")

    def handle(self, *args, city: str, title: str, **options) -> None:
        try:
            plan = Plan.objects.get_by_natural_key(city, title)
        except Plan.DoesNotExist:
            raise CommandError(_("No such plan.")) from None
        self.stdout.write(plan_fixture_json(plan), ending="")
