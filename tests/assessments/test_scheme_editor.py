"""The scoring-scheme editor: one form row per indicator; the stored JSON keeps its format,
the annual scores follow the edit, and a wrong row is refused with its message and nothing
saved."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessments.models import MonthlyFigure, RegionTarget, ScoringScheme
from assessments.selectors import assessment_data
from fdi_portal.models import Region
from tasks.models import Plan

FCG_TITLE = "2021年防城港市扩大利用外资规模工作方案"
P = "indicators"  # the formset's prefix


@pytest.fixture
def plan(fangchenggang) -> Plan:
    return Plan.objects.get(title=FCG_TITLE)


@pytest.fixture
def url(plan) -> str:
    return reverse("assessments:scheme_edit", args=["450600", plan.pk])


def page_data(client, url: str) -> dict[str, str]:
    """What the browser posts back for the page as served: every row's shown values."""
    page = client.get(url)
    assert page.status_code == 200
    formset = page.context["formset"]
    data = {"label": page.context["form"]["label"].value() or ""}
    management = formset.management_form
    for name in management.fields:
        data[management.add_prefix(name)] = str(management[name].value())
    for form in formset.forms:
        for name in form.fields:
            if name == "DELETE":
                continue
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def post(client, url: str, data: dict[str, str]):
    """Post in English, so that the messages read as their msgids."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(url, data)


def stored(plan) -> tuple[str, list[dict], bool]:
    scheme = ScoringScheme.objects.get(plan=plan)
    return scheme.label, scheme.indicators, scheme.is_default


def setup_year() -> None:
    """Targets 1000万 each for 港口区 and 防城区. 港口区 1300万 in 2021 (130%), 1000万 in 2020
    (growth 30%); 防城区 700万 (70%), 700万 in 2020 (growth 0). 上思县, 东兴市: nothing."""
    for name, now, before in (("港口区", "13000000", "10000000"), ("防城区", "7000000", "7000000")):
        region = Region.objects.get(name=name)
        RegionTarget.objects.create(region=region, year=2021, target_usd=Decimal("10000000"))
        MonthlyFigure.objects.create(region=region, year=2021, month=12, amount_usd=Decimal(now))
        MonthlyFigure.objects.create(region=region, year=2020, month=12, amount_usd=Decimal(before))


def test_the_page_shows_one_row_per_indicator_in_the_units_a_clerk_types(plan, url, clerk, client):
    client.force_login(clerk)
    page = client.get(url)
    rows = page.context["formset"].forms
    # Five stored indicators and one blank row to add another.
    assert len(rows) == 6
    ratio = rows[0]
    assert ratio["method"].value() == "ratio_to_target"
    # target 1 and cap 1.2 of a completion ratio are shown in per cent.
    assert (ratio["rt_target"].value(), ratio["rt_cap"].value()) == ("100", "120")
    assert rows[1]["st_step_above"].value() == "10"
    assert page.context["total_weight"] == Decimal(100)  # 30 + 20 + 20 + 15 + 15
    assert page.context["scheme"].is_default is True
    assert 'src="/static/js/scheme-editor.js"' in page.content.decode()


def test_saving_the_default_scheme_unchanged_keeps_its_stored_json(plan, url, clerk, client):
    client.force_login(clerk)
    label, before, _default = stored(plan)
    response = post(client, url, page_data(client, url))
    assert response.status_code == 302
    after_label, after, is_default = stored(plan)
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    assert after_label == label == "默认方案，可调整"
    # Saved by staff: no longer the default scheme, so the page stops saying so.
    assert is_default is False
    assert "默认方案，可调整" not in client.get(url).content.decode().split("<form")[0]


def test_editing_the_default_scheme_rescores_the_year_by_hand(
    fangchenggang, plan, url, clerk, client
):
    setup_year()
    client.force_login(clerk)
    data = page_data(client, url)
    data |= {
        "label": "2021年调整方案",
        f"{P}-0-weight": "40",  # 年度目标完成率: weight 40, capped at 110%
        f"{P}-0-rt_cap": "110",
        f"{P}-1-st_points_below": "3",  # 序时进度: −3 per 10% below
        f"{P}-3-DELETE": "on",  # the quota row goes
        # The blank row: 2 promotion events a year, weight 5.
        f"{P}-5-name": "招商活动",
        f"{P}-5-weight": "5",
        f"{P}-5-input": "promotion_events",
        f"{P}-5-method": "quota",
        f"{P}-5-qu_quota": "2",
    }
    response = post(client, url, data)
    assert response.status_code == 302
    label, indicators, _default = stored(plan)
    assert label == "2021年调整方案"
    assert [i["code"] for i in indicators] == [
        "completion_ratio",
        "completion_stepped",
        "growth",
        "interviews",
        "i5",  # generated from the row position
    ]
    assert indicators[0] == {
        "code": "completion_ratio",
        "name": "年度目标完成率",
        "weight": "40",
        "input": "completion",
        "method": "ratio_to_target",
        "params": {"target": "1", "cap": "1.1"},
    }
    assert indicators[4]["params"] == {"quota": "2"}

    rows = {r["name"]: r for r in assessment_data(fangchenggang, 2021)["regions"]}
    port = [i["points"] for i in rows["港口区"]["indicators"]]
    # 1.3 capped at 1.1 × 40 = 44; +30% = 3 steps × 1 → 20 + 3 = 23; growth 30% is the max →
    # 20; no interview → 15; no event of 2 → 0.
    assert port == ["44.00", "23.00", "20.00", "15.00", "0.00"]
    assert rows["港口区"]["score"] == "102.00"
    fcq = [i["points"] for i in rows["防城区"]["indicators"]]
    # 0.7 × 40 = 28; −30% = 3 steps × 3 → 20 − 9 = 11; growth 0 is the min → 60% of 20 = 12.
    assert fcq == ["28.00", "11.00", "12.00", "15.00", "0.00"]
    assert rows["防城区"]["score"] == "66.00"
    assert rows["上思县"]["score"] == "15.00"  # only the deduction item, from its weight


def test_a_usd_target_is_entered_in_10k_usd(plan, url, clerk, client):
    client.force_login(clerk)
    data = page_data(client, url) | {
        f"{P}-0-input": "utilised_fdi_usd",
        f"{P}-0-rt_target": "1500",  # 1500万美元
    }
    assert post(client, url, data).status_code == 302
    assert stored(plan)[1][0]["params"] == {"target": "15000000", "cap": "1.2"}


BAD_ROWS = [
    ({f"{P}-0-rt_cap": ""}, 0, "rt_cap", "Required for this method."),
    ({f"{P}-0-weight": "-5"}, 0, "weight", "The weight must not be negative."),
    ({f"{P}-0-name": ""}, 0, "name", "This field is required."),
    (
        {f"{P}-1-st_min_points": "30", f"{P}-1-st_max_points": "25"},
        1,
        "st_max_points",
        "The highest points must not be below the lowest points.",
    ),
    ({f"{P}-1-st_step_below": "0"}, 1, "st_step_below", "The step must be above zero."),
    (
        {f"{P}-4-code": "growth"},
        4,
        "code",
        "The code growth is already used by indicator 3.",
    ),
    (
        {f"{P}-3-input": "completion"},
        3,
        "input",
        "This method counts occurrences: choose interviews or promotion events.",
    ),
    ({f"{P}-3-qu_quota": "2.5"}, 3, "qu_quota", "The quota must be a whole number above zero."),
    ({f"{P}-4-de_floor": "20"}, 4, "de_floor", "The floor must not be above the weight."),
    # The blank row, started but not finished.
    ({f"{P}-5-name": "新指标"}, 5, "weight", "This field is required."),
]


@pytest.mark.parametrize(("change", "row", "field", "message"), BAD_ROWS)
def test_a_wrong_row_is_refused_with_its_message_and_nothing_is_saved(
    plan, url, clerk, client, change, row, field, message
):
    client.force_login(clerk)
    before = stored(plan)
    # A valid edit on another row must not be saved either.
    data = page_data(client, url) | {"label": "改过", f"{P}-2-weight": "25"} | change
    response = post(client, url, data)
    assert response.status_code == 200
    assert stored(plan) == before
    errors = response.context["formset"].forms[row].errors
    with translation.override("en"):
        assert errors[field] == [message]
        assert response.context["formset"].non_form_errors() == [
            "Correct the marked indicators; nothing was saved."
        ]


def test_removing_every_indicator_is_refused(plan, url, clerk, client):
    client.force_login(clerk)
    before = stored(plan)
    data = page_data(client, url) | {f"{P}-{i}-DELETE": "on" for i in range(5)}
    response = post(client, url, data)
    assert response.status_code == 200
    assert stored(plan) == before
    with translation.override("en"):
        assert response.context["formset"].non_form_errors() == [
            "A scoring scheme needs at least one indicator."
        ]


def test_only_the_chosen_methods_parameters_are_stored(plan, url, clerk, client):
    client.force_login(clerk)
    # Without the script every group is posted; the stepped row's ratio fields are ignored.
    data = page_data(client, url) | {f"{P}-1-rt_cap": "-3", f"{P}-1-qu_quota": "x"}
    assert post(client, url, data).status_code == 302
    assert set(stored(plan)[1][1]["params"]) == {
        "target",
        "step_above",
        "points_per_step_above",
        "step_below",
        "points_per_step_below",
        "min_points",
        "max_points",
    }


@pytest.mark.parametrize("user", ["shangsi_official", "leader", "wuwei_clerk"])
def test_only_the_citys_staff_may_edit_the_scheme(plan, url, client, request, user):
    client.force_login(request.getfixturevalue(user))
    before = stored(plan)
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"label": "x"}).status_code in (403, 404)
    assert stored(plan) == before
