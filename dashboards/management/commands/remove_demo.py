from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.demo import remove_demo_figures, remove_demo_notices
from dashboards.demo_scale import remove_generated
from tasks.demo import remove_demo_plans


class Command(BaseCommand):
    help = "Delete every row marked as demo data (演示数据). Real data and accounts stay."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        deleted = remove_demo_notices() + remove_demo_figures() + remove_demo_plans()
        # Every demo project, event and investor, and the cities generate_demo_data made.
        deleted += remove_generated()
        self.stdout.write(_("Demo data removed: %(count)s rows.") % {"count": deleted})
