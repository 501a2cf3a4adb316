from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.demo import remove_demo_figures
from tasks.demo import remove_demo_plans


class Command(BaseCommand):
    help = "Delete every row marked as demo data (演示数据). Real data and accounts stay."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        from projects.models import Investor, Project, PromotionEvent

        deleted = remove_demo_figures() + remove_demo_plans()
        # Projects first: their investors are protected while a project refers to them.
        for model in (Project, PromotionEvent, Investor):
            deleted += model.objects.filter(is_demo=True).delete()[0]
        self.stdout.write(_("Demo data removed: %(count)s rows.") % {"count": deleted})
