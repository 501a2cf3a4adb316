"""What-if scoring: ``annual_assessment --scheme FILE.json`` and the scheme editor's 试算 score a
scheme that is not stored, and store nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assessments.models import AnnualAssessment, MonthlyFigure, RegionTarget, ScoringScheme
from fdi_portal.models import Region
from tasks.models import Plan

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"
WAN = Decimal(10000)

SCHEME = {
    "label": "分档试算",
    "indicators": [
        {
            "code": "completion_bands",
            "name": "完成率分档",
            "weight": "100",
            "input": "completion",
            "method": "bands",
            "params": {"bands": [["1", "100"], ["0.8", "75"], ["0.5", "50"]], "otherwise": "0"},
        }
    ],
    "vetoes": [{"input": "completion", "below": "0.5"}],
}


@pytest.fixture
def year_2021(fangchenggang):
    # December figures hold the whole year. Worked by hand:
    #   港口区 1000 / 1000 = 100 %      → band 1   → 100 points, rank 1
    #   防城区  400 /  500 =  80 %      → band 0.8 →  75 points, rank 2
    #   上思县 99.99 / 200 = 49.995 %   → no band  →   0 points, and vetoed (below 50 %)
    #   东兴市 no target: no completion → missing, 0 points, not vetoed (no figure to strike)
    #   上思县 and 东兴市 tie at 0 and share rank 3.
    for name, target_wan, ytd_wan in (
        ("港口区", "1000", "1000"),
        ("防城区", "500", "400"),
        ("上思县", "200", "99.99"),
        ("东兴市", None, "300"),
    ):
        region = Region.objects.get(city=fangchenggang, name=name)
        if target_wan:
            RegionTarget.objects.create(
                region=region, year=2021, target_usd=Decimal(target_wan) * WAN
            )
        MonthlyFigure.objects.create(
            region=region, year=2021, month=12, amount_usd=Decimal(ytd_wan) * WAN
        )


def run(*args: str) -> dict:
    out = StringIO()
    call_command("annual_assessment", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_scores_a_scheme_file_and_stores_nothing(year_2021, tmp_path):
    stored_before = list(ScoringScheme.objects.values_list("indicators", "vetoes"))
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(SCHEME, ensure_ascii=False), encoding="utf-8")
    data = run("--city", "450600", "--year", "2021", "--scheme", str(path))
    rows = {r["name"]: r for r in data["regions"]}
    assert {n: (r["score"], r["rank"], r["vetoed"]) for n, r in rows.items()} == {
        "港口区": ("100.00", 1, False),
        "防城区": ("75.00", 2, False),
        "上思县": ("0.00", 3, True),
        "东兴市": ("0.00", 3, False),
    }
    assert rows["防城区"]["code"] == "450603"
    assert rows["防城区"]["indicators"] == [
        {
            "code": "completion_bands",
            "name": "完成率分档",
            "method": "bands",
            "value": "0.8000",
            "points": "75.00",
        }
    ]
    assert list(ScoringScheme.objects.values_list("indicators", "vetoes")) == stored_before
    assert not AnnualAssessment.objects.exists()


def test_a_malformed_scheme_file_names_the_indicator_and_field(year_2021, tmp_path):
    broken = json.loads(json.dumps(SCHEME))
    broken["indicators"][0]["params"]["bands"] = [["0.5", "50"], ["0.8", "75"]]
    path = tmp_path / "scheme.json"
    path.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("--city", "450600", "--year", "2021", "--scheme", str(path))
    assert "completion_bands" in str(error.value)
    assert "bands" in str(error.value)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError):
        run("--city", "450600", "--year", "2021", "--scheme", str(path))


def test_the_editors_try_button_shows_the_edited_schemes_scores_and_saves_nothing(
    year_2021, clerk, client
):
    plan = Plan.objects.get(title=FCG_TITLE)
    before = (plan.scoring_scheme.indicators, plan.scoring_scheme.label)
    client.force_login(clerk)
    url = reverse("assessments:scheme_edit", args=["450600", plan.pk])
    page = client.get(url)
    data = {}
    for form in (page.context["form"], *page.context["formset"].forms):
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    management = page.context["formset"].management_form
    for field in management:
        data[field.html_name] = field.value()
    data["action"] = "try"
    response = client.post(url, data)
    assert response.status_code == 200
    trial = {row.name: row for row in response.context["trial"]}
    assert set(trial) == {"港口区", "防城区", "上思县", "东兴市"}
    # The seed's default scheme scores 港口区 (100 %) above 上思县 (49.995 %).
    assert trial["港口区"].rank < trial["上思县"].rank
    assert 'data-testid="trial"' in response.content.decode()
    plan.scoring_scheme.refresh_from_db()
    assert (plan.scoring_scheme.indicators, plan.scoring_scheme.label) == before
