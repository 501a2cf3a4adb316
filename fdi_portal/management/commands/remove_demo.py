from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from assessments.demo import remove_demo_figures


class Command(BaseCommand):
    help = "Delete every row marked as demo data (演示数据). Real data and accounts stay."

    def handle(self, *args, **options) -> None:
        deleted = remove_demo_figures()
        self.stdout.write(_("Demo data removed: %(count)s rows.") % {"count": deleted})
