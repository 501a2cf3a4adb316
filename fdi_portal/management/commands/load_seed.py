from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fdi_portal.models import City

SEEDS = {"450600": "fangchenggang_2021", "620600": "wuwei_2023"}


class Command(BaseCommand):
    help = (
        "Load the seed fixtures (fangchenggang_2021, wuwei_2023) of every seed city the database "
        "does not hold yet. A city already there is left as it is, so nothing staff changed since "
        "(a scoring scheme, a target, an alias) is overwritten; --force reloads them all."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help=_("Reload every seed fixture."))

    def handle(self, *args, force: bool = False, **options) -> None:
        present = set(
            City.objects.filter(admin_code__in=SEEDS).values_list("admin_code", flat=True)
        )
        names = [name for code, name in SEEDS.items() if force or code not in present]
        if not names:
            self.stdout.write(_("The seed cities are already loaded; nothing to do."))
            return
        call_command("loaddata", *names, verbosity=options["verbosity"])
