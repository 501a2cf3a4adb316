from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.demo import (
    PROFILES,
    issue_demo_notices,
    load_demo_figures,
    state_demo_targets_in_plans,
)
from dashboards.demo_scale import load_province_cities
from fdi_portal.demo import DEMO_PASSWORD, create_demo_accounts
from fdi_portal.models import City
from projects.demo import link_demo_leader, load_demo_projects
from tasks.demo import load_demo_plans


class Command(BaseCommand):
    help = "Create the demo accounts (one per role) and the demo data. For local use only."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo accounts share a published password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                _(
                    "Demo accounts share a published password; with DEBUG off, "
                    "pass --force if you really want them."
                )
            )
        usernames = create_demo_accounts()
        today = timezone.localdate()
        figures = load_demo_figures(today)
        projects = load_demo_projects(today)
        link_demo_leader()
        load_demo_plans(today)
        state_demo_targets_in_plans(today.year)
        # Two more Guangxi cities, so the province viewer compares three; then the notices of
        # the months already over, so every role's first page shows a rank and a notice.
        cities = [*City.objects.filter(admin_code__in=PROFILES), *load_province_cities(today)]
        issue_demo_notices(today, cities=cities)
        self.stdout.write(
            _("Demo data ready: %(figures)s monthly figures, %(projects)s projects.")
            % {"figures": figures, "projects": projects}
        )
        self.stdout.write(
            _("Demo accounts ready (password %(password)s): %(names)s")
            % {"password": DEMO_PASSWORD, "names": ", ".join(usernames)}
        )
