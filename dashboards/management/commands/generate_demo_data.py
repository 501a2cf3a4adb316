from __future__ import annotations

import datetime as dt
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dashboards.demo_scale import SCALES, analyse, generate, remove_generated


class Command(BaseCommand):
    help = (
        "Replace the demo data with generated demo data at scale: small (a quick look), city "
        "(about 5 000 projects in each seed city) or province (14 more cities, 50 000 projects, "
        "600 000 arrivals), with ten years of figures. Also creates the demo accounts, which "
        "see their city's generated data. For local use and benchmarks only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="small")
        parser.add_argument(
            "--seed", type=int, default=2026, help="The same seed gives the same data."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help=(
                "The day the generated data leads up to (YYYY-MM-DD); defaults to today. "
                "load_demo's hand-written story always follows the real day."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo accounts share a published password).",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                _(
                    "Demo accounts share a published password; with DEBUG off, "
                    "pass --force if you really want them."
                )
            )
        scale = SCALES[options["scale"]]
        today: dt.date = options["today"] or timezone.localdate()
        started = time.perf_counter()
        with transaction.atomic():
            removed = remove_generated()
            # The hand-written demo story first (the accounts, the laggard counties, the demo
            # leader's project, the demo plans): the generated rows fill in around it.
            call_command("load_demo", force=True, stdout=self.stdout, verbosity=0)
            counts = generate(
                scale,
                seed=options["seed"],
                today=today,
                log=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
            )
        analyse()
        self.stdout.write(
            _(
                "Generated demo data (%(scale)s, seed %(seed)s) in %(seconds).0f s: %(cities)s "
                "cities, %(projects)s projects, %(arrivals)s arrivals, %(difficulties)s "
                "difficulties, %(complaints)s complaints, %(events)s events, %(figures)s monthly "
                "figures; %(removed)s earlier demo rows removed."
            )
            % {
                "scale": scale.name,
                "seed": options["seed"],
                "seconds": time.perf_counter() - started,
                "cities": counts.cities,
                "projects": counts.projects,
                "arrivals": counts.arrivals,
                "difficulties": counts.difficulties,
                "complaints": counts.complaints,
                "events": counts.events,
                "figures": counts.figures,
                "removed": removed,
            }
        )
