"""Campaign figures and the project-based goals, worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from projects.figures import campaign_figures, project_goal_figures
from projects.models import Arrival
from tests.projects.conftest import make_project

D = dt.date
WAN = Decimal(10000)


def sanqi_projects(city):
    a = make_project(
        city,
        "上思县",
        name="A",
        campaign="三企入桂",
        stage="landed",
        signed_on=D(2021, 2, 1),
        landed_on=D(2021, 5, 1),
        contracted_fdi_usd=1000 * WAN,
    )
    Arrival.objects.create(project=a, year=2021, month=6, amount_usd=200 * WAN)
    Arrival.objects.create(project=a, year=2021, month=8, amount_usd=100 * WAN)
    Arrival.objects.create(project=a, year=2020, month=12, amount_usd=999 * WAN)
    make_project(
        city,
        "上思县",
        name="B",
        campaign="三企入桂",
        stage="signed",
        signed_on=D(2021, 3, 1),
        contracted_fdi_usd=500 * WAN,
    )
    make_project(
        city,
        "东兴市",
        name="C",
        campaign="三企入桂",
        stage="landed",
        signed_on=D(2021, 7, 1),
        landed_on=D(2021, 7, 20),
        contracted_fdi_usd=300 * WAN,
        registered_on=D(2021, 7, 10),
    )
    make_project(
        city, "东兴市", name="D", campaign="三企入桂", stage="signed", signed_on=D(2020, 11, 1)
    )
    return a


def test_campaign_figures_up_to_june(fangchenggang):
    sanqi_projects(fangchenggang)
    rows = campaign_figures(fangchenggang, 2021, 6)
    (total, shangsi) = [r for r in rows if r.campaign == "三企入桂"]
    # A and B were signed in 2021 by June (C in July, D in 2020); A landed in May.
    assert (total.region, total.signed, total.landed) == ("", 2, 1)
    assert total.landing_rate == Decimal("0.5")
    # contracted 1000 + 500 = 1500万; arrived 200万 in 2021 up to June.
    assert total.contracted_fdi_usd == 1500 * WAN
    assert total.arrived_fdi_usd == 200 * WAN
    assert total.arrival_rate == Decimal(200) / Decimal(1500)
    assert shangsi.region == "上思县"


def test_campaign_figures_for_the_whole_year_by_region(fangchenggang):
    sanqi_projects(fangchenggang)
    rows = {(r.campaign, r.region): r for r in campaign_figures(fangchenggang, 2021)}
    total = rows[("三企入桂", "")]
    # A, B, C signed in 2021; A and C landed: 2 / 3.
    assert (total.signed, total.landed) == (3, 2)
    assert total.arrived_fdi_usd == 300 * WAN
    dongxing = rows[("三企入桂", "东兴市")]
    assert (dongxing.signed, dongxing.landed, dongxing.arrival_rate) == (1, 1, Decimal(0))


def test_a_campaign_without_projects_has_no_rates(fangchenggang):
    make_project(fangchenggang, name="无关", campaign="行企助力转型升级")
    rows = [r for r in campaign_figures(fangchenggang, 2021) if r.campaign == "行企助力转型升级"]
    assert (rows[0].signed, rows[0].landing_rate, rows[0].arrival_rate) == (0, None, None)


def test_fangchenggang_project_goals(fangchenggang):
    sanqi_projects(fangchenggang)
    figures = project_goal_figures(
        fangchenggang,
        2021,
        registered_campaigns=["三企入桂"],
        landing_campaigns=["三企入桂", "行企助力转型升级"],
    )
    # registered in 2021: C only; signed in 2021: A, B, C; landed: A, C.
    assert (figures.new_registered, figures.signed, figures.landed) == (1, 3, 2)
    # arrivals of landed projects in 2021: A's 200 + 100万 (its 2020 arrival does not count).
    assert figures.landed_arrivals_usd == 300 * WAN
