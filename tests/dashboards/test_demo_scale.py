"""manage.py generate_demo_data: deterministic, labelled demo, replaced on each run, and seen by
the demo accounts of each city."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.utils import timezone

from assessments.models import MonthlyFigure
from dashboards.demo_scale import GENERATED_CODES, Scale, generate, remove_generated
from fdi_portal.models import City
from projects.models import Arrival, Investor, Project, PromotionEvent
from tests.projects.conftest import make_project

#: load_demo's hand-written story follows the real day; the generated rows follow --today.
TODAY = timezone.localdate()


def run(scale: str = "small", seed: int = 7) -> str:
    out = io.StringIO()
    call_command("generate_demo_data", scale=scale, seed=seed, today=TODAY, force=True, stdout=out)
    return out.getvalue()


def fingerprint() -> tuple:
    return (
        list(Project.objects.order_by("city__admin_code", "name").values_list("name", "stage")),
        Arrival.objects.count(),
        Arrival.objects.aggregate(total=Sum("amount_usd"))["total"],
    )


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_data_and_a_second_run_replaces_the_first(seed):
    run()
    first = fingerprint()
    run()
    assert fingerprint() == first
    # small: 400 generated projects and the 7 hand-written demo projects, over both cities
    assert Project.objects.count() == 407
    run(seed=8)
    assert fingerprint() != first


@pytest.mark.django_db
def test_real_projects_and_figures_are_kept(seed, fangchenggang):
    real = make_project(fangchenggang, name="真实项目")
    shangsi = fangchenggang.regions.get(name="上思县")
    MonthlyFigure.objects.create(region=shangsi, year=TODAY.year - 8, month=3, amount_usd=123)
    run()
    assert Project.objects.filter(pk=real.pk, is_demo=False).exists()
    figure = MonthlyFigure.objects.get(region=shangsi, year=TODAY.year - 8, month=3)
    assert (figure.amount_usd, figure.is_demo) == (123, False)
    # ten years of figures (January nine years ago to last month) of every assessed region
    assert MonthlyFigure.objects.filter(region=shangsi).count() == 9 * 12 + TODAY.month - 1


@pytest.mark.django_db
def test_everything_generated_is_labelled_demo_and_writes_no_history(seed):
    run()
    for model in (Project, Investor, PromotionEvent):
        assert not model.objects.filter(is_demo=False).exists()
        names = model.objects.values_list("title" if model is PromotionEvent else "name", flat=True)
        assert all("演示" in name for name in names)
    assert not MonthlyFigure.objects.filter(is_demo=False).exists()
    # Generated figures are not changes anyone made: no history rows.
    assert MonthlyFigure.history.count() == 0


@pytest.mark.django_db
def test_demo_accounts_see_their_citys_generated_data(seed):
    run()
    users = {u.username: u for u in get_user_model().objects.all()}
    official = Project.objects.visible_to(users["fcg_shangsi"])
    assert official.count() > 20
    assert set(official.values_list("region__name", flat=True)) == {"上思县"}
    staff = Project.objects.visible_to(users["ww_staff"])
    assert set(staff.values_list("city__admin_code", flat=True)) == {"620600"}
    assert staff.count() > 200


@pytest.mark.django_db
def test_generated_cities_are_labelled_seen_by_the_province_viewer_and_removed(seed):
    tiny_province = Scale("tiny", 3, projects=50, arrivals=300, difficulties=10, events=10)
    run()  # the demo accounts
    remove_generated()
    counts = generate(tiny_province, seed=1, today=TODAY)
    assert counts.cities == 5
    generated = City.objects.filter(admin_code__in=GENERATED_CODES)
    assert [c.name[:4] for c in generated] == ["（演示）"] * 3
    viewer = get_user_model().objects.get(username="gx_viewer")
    # 广西: 防城港 and the three generated cities (the first thirteen are in 广西)
    assert City.objects.visible_to(viewer).count() == 4
    assert Project.objects.filter(city__in=generated).count() == 3 * 10
    remove_generated()
    assert not City.objects.filter(admin_code__in=GENERATED_CODES).exists()
    assert not Project.objects.filter(is_demo=True).exists()
    assert City.objects.count() == 2


@pytest.mark.django_db
def test_it_refuses_to_run_with_debug_off_without_force(seed):
    with pytest.raises(CommandError):
        call_command("generate_demo_data", stdout=io.StringIO())


@pytest.mark.django_db
def test_remove_demo_removes_the_generated_cities_too(seed):
    counts = generate(
        Scale("tiny", 2, projects=30, arrivals=100, difficulties=5, events=5), seed=1, today=TODAY
    )
    assert counts.cities == 4
    call_command("remove_demo", stdout=io.StringIO())
    assert not City.objects.filter(admin_code__in=GENERATED_CODES).exists()
    assert not Project.objects.exists()
    assert not MonthlyFigure.objects.exists()
