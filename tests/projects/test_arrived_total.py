"""A project's arrived FDI (``Project.arrived_usd``) is the sum of its arrivals, kept in the
transaction of every write of them: one entered on the project page, an import, a row written
through the model (the admin's inline), the demo and the generated data. The rules, the alerts
and the lists read it; these tests work the totals out by hand."""

from __future__ import annotations

import io
import threading
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from projects.arrival_import import apply_arrivals_import, preview_arrivals_import
from projects.models import Arrival, Project, ProjectQuerySet
from projects.services import set_arrival

WAN = Decimal(10_000)


def totals_disagree() -> list[tuple[str, Decimal, Decimal | None]]:
    """Projects whose kept total differs from their arrivals summed now: (name, kept, sum)."""
    summed = (
        Arrival.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount_usd"))
        .values("total")
    )
    return [
        (name, kept, total)
        for name, kept, total in Project.objects.annotate(total=Subquery(summed))
        .order_by("name")
        .values_list("name", "arrived_usd", "total")
        if kept != (total or 0)
    ]


def kept(project: Project) -> Decimal:
    return Project.objects.get(pk=project.pk).arrived_usd


def test_a_new_project_has_arrived_nothing(shangsi_project):
    assert kept(shangsi_project) == Decimal("0.00")


def test_each_arrival_entered_changes_the_total_at_once(shangsi_project):
    # 100万 in March, 50万 in April: 150万; March corrected to 80万: 130万; April removed: 80万.
    write = {"project": shangsi_project, "year": 2021, "confirmed": True}
    set_arrival(month=3, amount_usd=100 * WAN, **write)
    set_arrival(month=4, amount_usd=50 * WAN, **write)
    assert kept(shangsi_project) == 150 * WAN
    set_arrival(month=3, amount_usd=80 * WAN, **write)
    assert kept(shangsi_project) == 130 * WAN
    set_arrival(month=4, amount_usd=None, **write)
    assert kept(shangsi_project) == 80 * WAN


def test_rows_written_through_the_model_keep_the_total(shangsi_project):
    """The admin's inline saves and deletes each row through the model."""
    march = Arrival.objects.create(project=shangsi_project, year=2021, month=3, amount_usd=WAN)
    Arrival.objects.create(project=shangsi_project, year=2022, month=1, amount_usd=2 * WAN)
    assert kept(shangsi_project) == 3 * WAN
    march.amount_usd = Decimal("0.01")
    march.save()
    assert kept(shangsi_project) == 2 * WAN + Decimal("0.01")
    march.delete()
    assert kept(shangsi_project) == 2 * WAN


def test_an_import_counts_every_project_it_wrote(xlsx, shangsi_project, dongxing_project):
    Arrival.objects.create(project=shangsi_project, year=2021, month=3, amount_usd=100 * WAN)
    path = xlsx(
        [
            ["项目名称", "年份", "月份", "到位外资（万美元）"],
            ["上思县测试项目", 2021, 3, "150.5"],  # 100 → 150.5
            ["上思县测试项目", 2021, 4, 20],  # new: 170.5 in all
            ["东兴市测试项目", 2021, 4, "0.0001"],  # new: 1 USD
        ]
    )
    preview = preview_arrivals_import(path, projects=Project.objects.all(), max_bytes=1_000_000)
    assert preview.ok, preview.errors
    apply_arrivals_import(preview)
    assert kept(shangsi_project) == Decimal("1705000.00")
    assert kept(dongxing_project) == Decimal("1.00")
    assert totals_disagree() == []


@pytest.mark.django_db(transaction=True)
def test_two_months_entered_at_the_same_moment_both_count(fangchenggang, monkeypatch):
    """Two clerks enter two months of one project at once, each in its own transaction: the
    second waits for the first, and the total holds both (PostgreSQL: the project's row lock;
    SQLite: one writer at a time). The first holds its transaction open a moment after
    counting, so that the second counts while the first is not yet committed."""
    from tests.projects.conftest import make_project

    recount = ProjectQuerySet.recount_arrivals

    def slow_recount(self: ProjectQuerySet) -> int:
        counted = recount(self)
        time.sleep(0.3)
        return counted

    monkeypatch.setattr(ProjectQuerySet, "recount_arrivals", slow_recount)
    project = make_project(fangchenggang, name="同时录入项目", contracted_fdi_usd=1000 * WAN)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def enter(month: int) -> None:
        barrier.wait()
        try:
            set_arrival(project=project, year=2021, month=month, amount_usd=month * WAN)
        except BaseException as error:  # noqa: BLE001 — asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=enter, args=(month,)) for month in (3, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert kept(project) == 7 * WAN


def test_the_demo_and_the_generated_data_keep_every_total(seed):
    call_command("load_demo", force=True, verbosity=0)
    call_command(
        "generate_demo_data",
        scale="small",
        seed=3,
        today=timezone.localdate(),
        force=True,
        stdout=io.StringIO(),
    )
    assert Project.objects.filter(arrived_usd__gt=0).count() > 10
    assert totals_disagree() == []
