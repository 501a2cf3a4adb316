"""What the home pages' panels hold (dashboards/pages.py), on hand-worked June 2021 figures of
防城港 (the June of tests/assessments/test_notices.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure, RegionTarget
from dashboards.pages import supervision_panel
from fdi_portal.models import Region


def figures(name: str, year: int, amounts: dict[int, str]) -> None:
    for month, usd in amounts.items():
        MonthlyFigure.objects.create(
            region=Region.objects.get(name=name), year=year, month=month, amount_usd=Decimal(usd)
        )


@pytest.fixture
def june(fangchenggang):
    """June 2021, required progress 6/12 = 50%. City target (seed) 7000万, growth +20%.

    港口区 target 1000万: 100万 a month → ytd 600万 (60%).
    防城区 target 800万: 80万 Jan–May, 0 in June → ytd 400万 = exactly 50%.
    上思县 target 600万: 50万 in Jan and Mar only → ytd 100万 (16.67%): behind, interviewed.
    东兴市 no target: 30万 in June. 港口区 has a July figure: July can be drafted next.
    """
    for name, usd in (("港口区", "10000000"), ("防城区", "8000000"), ("上思县", "6000000")):
        RegionTarget.objects.create(
            region=Region.objects.get(name=name), year=2021, target_usd=Decimal(usd)
        )
    figures("港口区", 2021, dict.fromkeys(range(1, 7), "1000000"))
    figures("港口区", 2020, dict.fromkeys(range(1, 7), "500000"))
    figures("防城区", 2021, {**dict.fromkeys(range(1, 6), "800000"), 6: "0"})
    figures("上思县", 2021, {1: "500000", 3: "500000"})
    figures("上思县", 2020, {1: "250000"})
    figures("东兴市", 2021, {6: "300000"})
    figures("港口区", 2021, {7: "9999999"})
    return fangchenggang


def test_the_supervision_panel_lists_the_latest_notice_and_pending_interviews(june, clerk):
    issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)
    panel = supervision_panel(june)
    assert panel.latest_notice.number == "〔2021〕第1期"
    assert [i.region.name for i in panel.pending_interviews] == ["上思县"]
    assert panel.draftable_month == 7  # the July figure of 港口区 exists
    html = render_to_string("dashboards/_supervision_panel.html", {"supervision": panel})
    assert "上思县" in html
