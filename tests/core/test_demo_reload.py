"""Demo reload never touches real data: demo rows keep their ids (updated in place by a natural
key), real rows attached to demo objects survive, a row a person changed is left alone, and a
reload that changes nothing writes no history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.demo import load_demo_figures
from assessments.models import MonthlyFigure
from fdi_portal.demo import create_demo_accounts
from fdi_portal.models import Region
from projects.demo import link_demo_leader, load_demo_projects
from projects.models import Arrival, Difficulty, Project, PromotionEvent

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 22)


def history_rows() -> int:
    """Every history row of every audited model."""
    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def load(today: dt.date = TODAY) -> None:
    create_demo_accounts()
    load_demo_figures(today)
    load_demo_projects(today)
    link_demo_leader()


def ids() -> dict[str, set[int]]:
    return {
        "projects": set(Project.objects.filter(is_demo=True).values_list("pk", flat=True)),
        "events": set(PromotionEvent.objects.filter(is_demo=True).values_list("pk", flat=True)),
        "figures": set(MonthlyFigure.objects.filter(is_demo=True).values_list("pk", flat=True)),
        "difficulties": set(
            Difficulty.objects.filter(project__is_demo=True).values_list("pk", flat=True)
        ),
    }


def test_a_second_load_on_the_same_day_keeps_every_id_and_writes_no_history(fangchenggang):
    load()
    before, rows = ids(), history_rows()
    passwords = dict(get_user_model().objects.values_list("username", "password"))

    load()

    assert ids() == before
    assert history_rows() == rows
    # No new password hash either: the demo users stay logged in.
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


def test_the_command_run_twice_writes_no_history_the_second_time(fangchenggang):
    call_command("load_demo", force=True, verbosity=0)
    rows = history_rows()
    call_command("load_demo", force=True, verbosity=0)
    assert history_rows() == rows


def test_a_real_difficulty_on_a_demo_project_survives_a_reload_on_a_later_day(
    fangchenggang, shangsi_official
):
    load()
    project = Project.objects.get(name="（演示）林产化工技改项目")
    real = Difficulty.objects.create(
        project=project, raised_on=TODAY, category="power", text="真实的用电困难"
    )

    load(TODAY + dt.timedelta(days=40))

    assert Project.objects.get(pk=project.pk).is_demo  # the same project, moved in time
    assert Difficulty.objects.get(pk=real.pk).text == "真实的用电困难"
    # The demo's own difficulty was moved, not duplicated.
    assert project.difficulties.filter(text__startswith="演示").count() == 1


def test_a_later_day_updates_demo_rows_in_place_and_the_demo_writes_no_history(fangchenggang):
    load()
    assert history_rows() == 0  # demo rows are nobody's change
    project = Project.objects.get(name="（演示）东盟粮油加工基地")
    landed = project.landed_on

    load(TODAY + dt.timedelta(days=7))

    project.refresh_from_db()
    assert project.landed_on == landed + dt.timedelta(days=7)
    assert not Project.history.filter(id=project.pk).exists()


def test_a_demo_figure_a_clerk_corrected_is_not_overwritten(fangchenggang, clerk):
    load()
    figure = MonthlyFigure.objects.filter(is_demo=True, region__city=fangchenggang).first()
    figure.amount_usd = Decimal("4242.00")
    figure._history_user = clerk  # as the grid's middleware records it
    figure.save()

    load()

    assert MonthlyFigure.objects.get(pk=figure.pk).amount_usd == Decimal("4242.00")


def test_a_real_figure_in_a_demo_month_is_never_touched(fangchenggang):
    region = Region.objects.get(city=fangchenggang, name="上思县")
    real = MonthlyFigure.objects.create(
        region=region, year=2024, month=5, amount_usd=Decimal("123400")
    )
    load()
    load(TODAY + dt.timedelta(days=35))
    real.refresh_from_db()
    assert (real.amount_usd, real.is_demo) == (Decimal("123400.00"), False)
    assert not MonthlyFigure.objects.filter(region=region, year=2024, month=5, is_demo=True)


def test_an_arrival_a_person_entered_on_a_demo_project_is_kept(fangchenggang, clerk):
    load()
    project = Project.objects.get(name="（演示）海产品冷链项目")
    arrival = Arrival(project=project, year=2026, month=1, amount_usd=Decimal("10000"))
    arrival._history_user = clerk
    arrival.save()

    load(TODAY + dt.timedelta(days=60))

    assert Arrival.objects.get(pk=arrival.pk).amount_usd == Decimal("10000.00")


def test_the_demo_issues_the_past_months_notices_and_gives_guangxi_three_cities(
    fangchenggang, client
):
    """A county official's first page showed rank 「—」: no notice was issued. The demo issues
    this year's months already over, holds the interviews of the quarters before the last,
    and the province viewer compares three Guangxi cities."""
    from django.utils import timezone

    from assessments.models import Interview, Notice

    call_command("load_demo", force=True, verbosity=0)
    today = timezone.localdate()
    year, last = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    notices = Notice.objects.filter(city=fangchenggang, kind="monthly", year=year, status="issued")
    assert sorted(notices.values_list("month", flat=True)) == list(range(1, last + 1))
    for notice in notices:
        assert notice.issued_on <= today
        assert notice.issued_on > dt.date(year, notice.month, 1)
        assert notice.issued_by.username == "fcg_staff"
    assert Interview.objects.filter(city=fangchenggang, year=year).exists()
    if last >= 6:
        assert Interview.objects.filter(city=fangchenggang, year=year, quarter=1).exclude(
            held_on=None
        )

    client.login(username="fcg_shangsi", password="demo-only-2026")
    home = client.get("/")
    assert home.context["ranking"] is not None
    assert home.context["region_page"].row.rank is not None

    client.login(username="gx_viewer", password="demo-only-2026")
    comparison = client.get("/").context["comparison"]
    assert len(comparison["rows"]) >= 3

    # Reloading issues nothing twice; remove_demo removes the demo notices too.
    call_command("load_demo", force=True, verbosity=0)
    assert notices.count() == last
    call_command("remove_demo", verbosity=0)
    assert not Notice.objects.filter(city=fangchenggang).exists()
