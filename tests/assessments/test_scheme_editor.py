"""The scoring-scheme editor: one form row per indicator; the stored JSON keeps its format,
the annual scores follow the edit, and a wrong row is refused with its message and nothing
saved."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments.models import MonthlyFigure, RegionTarget, ScoringScheme
from assessments.pages import score as assessment_data
from assessments.plan_settings import save_scoring_scheme
from assessments.scheme_forms import SchemeForm
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
    form = page.context["form"]  # the label and the vetoes
    data = {
        name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields
    }
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


# --------------------------------------------------------------------------------------------
# Bands, the stepped options and vetoes
# --------------------------------------------------------------------------------------------


def scores(city, code: str) -> dict[str, tuple[str, str, bool]]:
    """Per region name: the points of indicator ``code``, the total and whether vetoed."""
    result = {}
    for row in assessment_data(city, 2021)["regions"]:
        points = next(i["points"] for i in row["indicators"] if i["code"] == code)
        result[row["name"]] = (points, row["score"], row["vetoed"])
    return result


def test_the_page_offers_bands_the_stepped_options_and_vetoes_by_their_labels(
    plan, url, clerk, client
):
    client.force_login(clerk)
    page = client.get(url)
    row = page.context["formset"].forms[0]
    methods = dict(row.fields["method"].choices)
    assert "bands" in methods
    # Every method is shown by its label, never by its code.
    assert all(str(label) != code for code, label in methods.items())
    groups = {group.method: group for group in row.param_groups()}
    assert len(groups["bands"].table) == 5
    assert len(groups["stepped"].table) == 3
    assert "st_below_target" in [field.name for field in groups["stepped"].fields]
    html = page.content.decode()
    assert 'data-method="bands"' in html
    assert 'id="scheme-vetoes"' in html
    assert len(page.context["form"].veto_rows()) == 3


def test_a_bands_indicator_is_entered_in_per_cent_and_scored_by_hand(
    fangchenggang, plan, url, clerk, client
):
    setup_year()
    client.force_login(clerk)
    data = page_data(client, url) | {
        f"{P}-5-name": "完成率分档",
        f"{P}-5-code": "bands",
        f"{P}-5-weight": "20",
        f"{P}-5-input": "completion",
        f"{P}-5-method": "bands",
        f"{P}-5-bd_threshold_1": "100",
        f"{P}-5-bd_points_1": "20",
        f"{P}-5-bd_threshold_2": "80",
        f"{P}-5-bd_points_2": "15",
        f"{P}-5-bd_threshold_3": "50",
        f"{P}-5-bd_points_3": "10",
        f"{P}-5-bd_otherwise": "0",
    }
    assert post(client, url, data).status_code == 302
    assert stored(plan)[1][5]["params"] == {
        "bands": [["1", "20"], ["0.8", "15"], ["0.5", "10"]],
        "otherwise": "0",
    }
    # 港口区 130 % reaches 100 % → 20; 防城区 70 % reaches 50 % but not 80 % → 10;
    # 上思县 has no target, so no completion: 0.
    result = scores(fangchenggang, "bands")
    assert [result[name][0] for name in ("港口区", "防城区", "上思县")] == [
        "20.00",
        "10.00",
        "0.00",
    ]
    # Shown again in per cent.
    row = client.get(url).context["formset"].forms[5]
    assert [row[f"bd_threshold_{n}"].value() for n in (1, 2, 3)] == ["100", "80", "50"]


def test_band_thresholds_of_an_amount_are_entered_in_10k_usd(plan, url, clerk, client):
    client.force_login(clerk)
    data = page_data(client, url) | {
        f"{P}-5-name": "实际使用外资分档",
        f"{P}-5-weight": "10",
        f"{P}-5-input": "utilised_fdi_usd",
        f"{P}-5-method": "bands",
        f"{P}-5-bd_threshold_1": "1500",  # 1500万美元
        f"{P}-5-bd_points_1": "10",
        f"{P}-5-bd_otherwise": "2",
    }
    assert post(client, url, data).status_code == 302
    assert stored(plan)[1][5]["params"] == {"bands": [["15000000", "10"]], "otherwise": "2"}


def test_stepped_below_target_zero_is_stored_and_scores_nothing_below_target(
    fangchenggang, plan, url, clerk, client
):
    setup_year()
    client.force_login(clerk)
    # Row 1 is the default scheme's stepped indicator (weight 20, ±10 % steps, +1 / −2).
    data = page_data(client, url) | {
        f"{P}-1-st_below_target": "zero",
        f"{P}-1-st_step_below": "",
        f"{P}-1-st_points_below": "",
    }
    assert post(client, url, data).status_code == 302
    params = stored(plan)[1][1]["params"]
    assert params["below_target"] == "zero"
    assert "step_below" not in params
    assert "points_per_step_below" not in params
    result = scores(fangchenggang, "completion_stepped")
    # 港口区 130 %: 3 steps above → 23; 防城区 70 % is below target → 0 (was 20 − 3 × 2 = 14).
    assert (result["港口区"][0], result["防城区"][0]) == ("23.00", "0.00")


def test_the_stepped_bonus_by_target_size_is_entered_in_10k_usd(
    fangchenggang, plan, url, clerk, client
):
    setup_year()
    client.force_login(clerk)
    data = page_data(client, url) | {
        f"{P}-1-st_points_above": "",
        f"{P}-1-st_bt_threshold_1": "5000",  # targets of 5000万美元 and more: 0.6 a step
        f"{P}-1-st_bt_points_1": "0.6",
        f"{P}-1-st_bt_threshold_2": "0",  # the others: 0.3
        f"{P}-1-st_bt_points_2": "0.3",
    }
    assert post(client, url, data).status_code == 302
    params = stored(plan)[1][1]["params"]
    assert params["points_per_step_above_by_target"] == [["50000000", "0.6"], ["0", "0.3"]]
    assert "points_per_step_above" not in params
    # 港口区's target is 1000万 < 5000万: 3 steps × 0.3 → 20 + 0.9 = 20.90.
    assert scores(fangchenggang, "completion_stepped")["港口区"][0] == "20.90"
    row = client.get(url).context["formset"].forms[1]
    assert (row["st_bt_threshold_1"].value(), row["st_bt_points_1"].value()) == ("5000", "0.6")


BANDS_ROW = {
    f"{P}-5-name": "分档",
    f"{P}-5-weight": "20",
    f"{P}-5-input": "completion",
    f"{P}-5-method": "bands",
}
BAD_NEW_ROWS = [
    (
        BANDS_ROW
        | {
            f"{P}-5-bd_threshold_1": "80",
            f"{P}-5-bd_points_1": "15",
            f"{P}-5-bd_threshold_2": "100",
            f"{P}-5-bd_points_2": "20",
        },
        5,
        "bd_threshold_2",
        "Must be below the threshold of the row above.",
    ),
    (
        BANDS_ROW | {f"{P}-5-bd_threshold_1": "100"},
        5,
        "bd_points_1",
        "Give both the threshold and the points.",
    ),
    (BANDS_ROW, 5, "bd_threshold_1", "Give at least one band."),
    (
        {
            f"{P}-1-st_points_above": "",
            f"{P}-1-st_bt_threshold_1": "5000",
            f"{P}-1-st_bt_points_1": "0.6",
        },
        1,
        "st_bt_threshold_1",
        "The last threshold must be 0, so that every region has a row.",
    ),
    (
        {f"{P}-1-st_bt_threshold_1": "0", f"{P}-1-st_bt_points_1": "0.3"},
        1,
        "st_points_above",
        "Leave empty when the points depend on the region's target.",
    ),
    ({f"{P}-1-st_points_below": ""}, 1, "st_points_below", "Required for this method."),
]


@pytest.mark.parametrize(("change", "row", "field", "message"), BAD_NEW_ROWS)
def test_a_wrong_band_or_stepped_option_is_refused_with_its_message(
    plan, url, clerk, client, change, row, field, message
):
    client.force_login(clerk)
    before = stored(plan)
    response = post(client, url, page_data(client, url) | change)
    assert response.status_code == 200
    assert stored(plan) == before
    with translation.override("en"):
        assert response.context["formset"].forms[row].errors[field] == [message]


def test_the_veto_block_reads_thresholds_in_the_figures_unit():
    form = SchemeForm(
        {
            "label": "x",
            "veto_input_1": "completion",
            "veto_below_1": "100",  # per cent
            "veto_input_2": "utilised_fdi_usd",
            "veto_below_2": "1500",  # 万美元
            "veto_input_3": "",
            "veto_below_3": "",
        }
    )
    assert form.is_valid(), form.errors
    vetoes = form.vetoes()
    assert vetoes == [
        {"input": "completion", "below": "1"},
        {"input": "utilised_fdi_usd", "below": "15000000"},
    ]
    assert SchemeForm.initial_for("x", vetoes) == {
        "label": "x",
        "veto_input_1": "completion",
        "veto_below_1": "100",
        "veto_input_2": "utilised_fdi_usd",
        "veto_below_2": "1500",
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"veto_input_1": "completion"}, "veto_below_1", "Give the threshold of this veto."),
        ({"veto_below_2": "100"}, "veto_input_2", "Choose the figure this veto reads."),
    ],
)
def test_a_half_filled_veto_is_refused_naming_the_field(data, field, message):
    with translation.override("en"):
        form = SchemeForm({"label": ""} | data)
        assert not form.is_valid()
        assert form.errors[field] == [message]


def test_saving_vetoes_stores_them_and_a_vetoed_region_scores_zero(fangchenggang, plan):
    setup_year()
    indicators = stored(plan)[1]
    save_scoring_scheme(
        plan=plan,
        indicators=indicators,
        label="一票否决",
        vetoes=[{"input": "completion", "below": "1"}],
    )
    # Saving without vetoes (a caller that does not edit them) keeps them.
    save_scoring_scheme(plan=plan, indicators=indicators, label="一票否决")
    assert ScoringScheme.objects.get(plan=plan).vetoes == [{"input": "completion", "below": "1"}]
    result = {r["name"]: r for r in assessment_data(fangchenggang, 2021)["regions"]}
    # 港口区 130 % ≥ 100 %: 94 as by the default scheme (36 + 23 + 20 + 0 + 15).
    assert (result["港口区"]["score"], result["港口区"]["vetoed"]) == ("94.00", False)
    # 防城区 70 % < 100 %: total 0, its points still shown (21 + 14 + 12 + 0 + 15 = 62).
    fcq = result["防城区"]
    assert (fcq["score"], fcq["vetoed"]) == ("0.00", True)
    assert [i["points"] for i in fcq["indicators"]] == ["21.00", "14.00", "12.00", "0.00", "15.00"]
    # 上思县 has no completion: not vetoed, 15 from the deduction item.
    assert (result["上思县"]["score"], result["上思县"]["vetoed"]) == ("15.00", False)


def test_a_bad_veto_is_refused_naming_it_and_nothing_is_saved(plan):
    before = stored(plan)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        save_scoring_scheme(
            plan=plan,
            indicators=before[1],
            label="x",
            vetoes=[{"input": "gdp", "below": "1"}],
        )
    assert caught.value.messages[0].startswith('Veto no. 1: input: unknown figure "gdp"')
    assert stored(plan) == before


def test_vetoes_entered_on_the_page_are_saved_and_shown_again(plan, url, clerk, client):
    client.force_login(clerk)
    data = page_data(client, url) | {"veto_input_1": "completion", "veto_below_1": "60"}
    assert post(client, url, data).status_code == 302
    assert ScoringScheme.objects.get(plan=plan).vetoes == [{"input": "completion", "below": "0.6"}]
    form = client.get(url).context["form"]
    assert (form["veto_input_1"].value(), form["veto_below_1"].value()) == ("completion", "60")
    # Cleared on the page: removed.
    data = page_data(client, url) | {"veto_input_1": "", "veto_below_1": ""}
    assert post(client, url, data).status_code == 302
    assert ScoringScheme.objects.get(plan=plan).vetoes == []
