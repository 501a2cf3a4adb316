"""One city target: a plan's utilised-FDI goals and the grid's 全市目标 are one record. Importing
a plan sets its year's city target; a different stored target is replaced only when confirmed;
afterwards the home page, the grid, the notice and the goals page show the same target."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import CityTarget, MonthlyFigure
from fdi_portal.models import City, Region
from tasks.models import Plan
from tasks.services import import_plan

SEED = Path(settings.BASE_DIR) / "fixtures" / "plans" / "fangchenggang_2021.txt"


def plan_2022_text() -> str:
    """The 2021 plan rewritten for 2022 with 15000万美元 and +15%."""
    text = SEED.read_text(encoding="utf-8").replace("2021", "2022")
    text = text.replace("7000万美元", "15000万美元")
    return text.replace("同比增长20%以上", "同比增长15%以上")


@pytest.fixture
def grid_target_2022(fangchenggang) -> CityTarget:
    # What the grid held before: 13 816.76万美元 and +12 %.
    return CityTarget.objects.create(
        city=fangchenggang,
        year=2022,
        target_usd=Decimal("138167600.00"),
        growth_target=Decimal("0.12"),
    )


def test_a_plan_sets_its_years_city_target_when_none_is_stored(fangchenggang, clerk):
    plan = import_plan(city=fangchenggang, text=plan_2022_text(), user=clerk).plan
    assert plan.year == 2022
    target = CityTarget.objects.get(city=fangchenggang, year=2022)
    assert (target.target_usd, target.growth_target) == (Decimal("150000000.00"), Decimal("0.15"))
    assert target.history.first().history_user == clerk


def test_a_different_stored_target_is_replaced_only_when_confirmed(
    fangchenggang, clerk, grid_target_2022
):
    with pytest.raises(ValidationError) as refused:
        import_plan(city=fangchenggang, text=plan_2022_text(), user=clerk)
    assert "15,000.00" in str(refused.value)
    assert "13,816.76" in str(refused.value)
    # All or nothing: neither the plan nor the target changed.
    assert not Plan.objects.filter(city=fangchenggang, year=2022).exists()
    grid_target_2022.refresh_from_db()
    assert grid_target_2022.target_usd == Decimal("138167600.00")

    import_plan(city=fangchenggang, text=plan_2022_text(), user=clerk, replace_city_target=True)
    grid_target_2022.refresh_from_db()
    assert (grid_target_2022.target_usd, grid_target_2022.growth_target) == (
        Decimal("150000000.00"),
        Decimal("0.15"),
    )


def test_after_the_import_every_page_shows_the_same_target(
    fangchenggang, clerk, client, grid_target_2022
):
    import_plan(city=fangchenggang, text=plan_2022_text(), user=clerk, replace_city_target=True)
    region = Region.objects.get(city=fangchenggang, name="港口区")
    MonthlyFigure.objects.create(region=region, year=2022, month=3, amount_usd=Decimal("3000000"))
    client.force_login(clerk)
    # 300万 of 15000万 = 2 %; the growth target is +15 %.
    ranking = client.get(reverse("home")).context["ranking"]
    assert (ranking.city_target_usd, ranking.growth_target) == (
        Decimal("150000000.00"),
        Decimal("0.15"),
    )
    assert ranking.city_completion == Decimal("0.02")
    grid = client.get(reverse("assessments:figure_grid", args=["450600", 2022])).context["grid"]
    assert grid.completion == Decimal("0.02")
    notice = client.get(reverse("assessments:notice_detail", args=["450600", 2022, 3]))
    assert notice.context["report"].city_target_usd == Decimal("150000000.00")
    goals = client.get(reverse("assessments:plan_goals", args=["450600", 2022])).context["goals"]
    by_metric = {goal.metric: goal for goal in goals}
    assert by_metric["utilised_fdi_usd"].target == Decimal("150000000.00")
    assert by_metric["utilised_fdi_growth"].target == Decimal("0.15")


def test_the_import_page_asks_before_replacing_the_stored_target(
    fangchenggang, clerk, client, grid_target_2022
):
    client.force_login(clerk)
    url = reverse("tasks:plan_import")
    page = client.post(url, {"text": plan_2022_text()})
    html = page.content.decode()
    assert 'data-testid="city-target"' in html
    assert 'name="replace_city_target"' in html
    assert City.objects.get(pk=fangchenggang.pk).targets.get(year=2022).target_usd == Decimal(
        "138167600.00"
    )
