"""Backup and restore: a backup restored into an empty database gives back every row and every
issued notice exactly (SQLite's online backup here, pg_dump/pg_restore on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure, Notice, RegionTarget
from fdi_portal.backups import backup_kind
from fdi_portal.models import City, Region

# The restore replaces the database underneath Django: no test transaction may hold it.
pytestmark = pytest.mark.django_db(transaction=True)


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            rows[model._meta.db_table] = list(model._base_manager.order_by("pk").values_list())
    # The versions of the cached pages: a restore retires every page (fdi_portal/cache.py).
    rows.pop("fdi_portal_pageversion", None)
    return rows


@pytest.fixture
def issued_notice(seed, clerk) -> Notice:
    city = City.objects.get(admin_code="450600")
    for region, amount in zip(
        Region.objects.filter(city=city, assessed=True).order_by("admin_code")[:3],
        (Decimal("1200000.00"), Decimal("800000.50"), Decimal("300000.00")),
        strict=True,
    ):
        RegionTarget.objects.create(region=region, year=2021, target_usd=amount * 12)
        MonthlyFigure.objects.create(region=region, year=2021, month=1, amount_usd=amount)
    return issue_notice(city=city, year=2021, month=1, issued_on=dt.date(2021, 2, 5), user=clerk)


def test_a_backup_restored_into_an_empty_database_gives_back_every_row(issued_notice, tmp_path):
    before = every_row()
    target = tmp_path / "portal.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0

    call_command("flush", interactive=False)
    assert not City.objects.exists()

    call_command("restore", str(target), interactive=False)
    assert every_row() == before


def test_issued_notices_come_back_as_they_were_issued(issued_notice, tmp_path):
    target = tmp_path / "portal.backup"
    call_command("backup", str(target))
    call_command("flush", interactive=False)
    call_command("restore", str(target), interactive=False)

    restored = Notice.objects.get(pk=issued_notice.pk)
    assert restored.is_issued
    assert restored.number == issued_notice.number
    assert restored.issued_on == dt.date(2021, 2, 5)
    assert restored.issued_by_id == issued_notice.issued_by_id
    assert restored.snapshot == issued_notice.snapshot
    assert restored.snapshot  # the frozen rows, not an empty shell


def test_after_a_restore_new_rows_can_be_added(issued_notice, tmp_path):
    target = tmp_path / "portal.backup"
    call_command("backup", str(target))
    call_command("flush", interactive=False)
    call_command("restore", str(target), interactive=False)
    region = Region.objects.filter(assessed=True).first()
    # On PostgreSQL the id sequences come back too: no new row collides with a restored one.
    figure = MonthlyFigure.objects.create(
        region=region, year=2021, month=2, amount_usd=Decimal("1.00")
    )
    assert figure.pk > max(MonthlyFigure.objects.exclude(pk=figure.pk).values_list("pk", flat=True))


def test_a_file_that_is_not_a_backup_of_this_database_is_refused_and_changes_nothing(
    seed, tmp_path
):
    before = City.objects.count()
    other = tmp_path / "not-a-backup.sql"
    other.write_text("DROP TABLE fdi_portal_city;")
    with pytest.raises(CommandError, match="backup"):
        call_command("restore", str(other), interactive=False)
    assert City.objects.count() == before


def test_the_backup_says_which_engine_wrote_it(seed, tmp_path, settings):
    target = tmp_path / "portal.backup"
    call_command("backup", str(target))
    engine = settings.DATABASES["default"]["ENGINE"]
    assert backup_kind(target) == ("sqlite" if engine.endswith("sqlite3") else "postgresql")
