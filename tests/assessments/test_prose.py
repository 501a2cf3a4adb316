"""The notice's words as bureaus print them: 「高于/低于序时进度X个百分点」, 「同比增长/下降x%」,
percentages half-up to NOTICE_PERCENT_PLACES (1 or 2) decimals. Every expected string is worked
out by hand from the figures in the test. The English source strings are checked here; their
Chinese wording is checked in the pending catalogue (locale/pending/cycleB.po) until the lead
merges it."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from assessments import prose
from assessments.calculations import percentage_points
from assessments.snapshots import InterviewCase, NoticeReport, NoticeRow

D = Decimal


def _row(name: str, completion: str, rank: int, on_track: bool) -> NoticeRow:
    return NoticeRow(
        code=name,
        name=name,
        target_usd=D("10000000"),
        month_usd=D("0"),
        ytd_usd=D("0"),
        ytd_last_year_usd=D("0"),
        completion=D(completion),
        required_share=D("0.5"),
        on_track=on_track,
        shortfall_usd=None,
        yoy_growth=None,
        rank=rank,
        catch_up_monthly_usd=None,
        annual_gap_usd=None,
        missing_months=(),
    )


def _report(*, completion: str, growth: str | None, interviewees=()) -> NoticeReport:
    return NoticeReport(
        city_code="450600",
        city_name="防城港市",
        year=2021,
        month=6,
        required_share=D("0.5"),
        rows=(_row("东兴市", "0.6", 1, True), _row("上思县", "0.2", 2, False)),
        city_target_usd=D("70000000"),
        city_month_usd=None,
        city_ytd_usd=D("11300000"),
        city_ytd_last_year_usd=D("3250000"),
        city_completion=D(completion),
        city_on_track=False,
        city_shortfall_usd=None,
        city_annual_gap_usd=None,
        city_yoy_growth=None if growth is None else D(growth),
        growth_target=None,
        growth_target_met=None,
        city_catch_up_monthly_usd=None,
        ranked_count=2,
        schedule_label="",
        interview_code="interview_required" if interviewees else None,
        interviewees=tuple(interviewees),
    )


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_percentage_points_are_the_difference_of_the_printed_percentages():
    # 0.161428… prints 16.14 %, 0.5 prints 50.00 %: 16.14 − 50.00 = −33.86
    assert percentage_points(D("0.1614285714"), D("0.5")) == D("-33.86")
    # one decimal: 16.1 − 50.0 = −33.9
    assert percentage_points(D("0.1614285714"), D("0.5"), 1) == D("-33.9")
    # half-up on both sides: 0.52345 → 52.35, 0.49995 → 50.00 → +2.35
    assert percentage_points(D("0.52345"), D("0.49995")) == D("2.35")


def test_the_summary_says_below_the_schedule_by_so_many_points_and_growth_up(english, settings):
    settings.NOTICE_PERCENT_PLACES = 2
    # completion 11 300 000 / 70 000 000 = 0.161428… → 16.14 %; 50 % − 16.14 % = 33.86 points;
    # growth (1130 − 325) / 325 = 2.476923… → 247.69 %
    text = prose.notice_summary(_report(completion="0.1614285714", growth="2.4769230769"))
    assert "16.14% of the annual target" in text
    assert "33.86 percentage points below the required progress" in text
    assert "up 247.69% year on year" in text


def test_one_decimal_rounds_half_up(english, settings):
    settings.NOTICE_PERCENT_PLACES = 1
    # 0.61250 → 61.25 % → 61.3 % (half-up, not half-even's 61.2); 61.3 − 50.0 = 11.3 points;
    # growth −0.12345 → −12.345 % → 12.3 % down
    text = prose.notice_summary(_report(completion="0.6125", growth="-0.12345"))
    assert "61.3% of the annual target" in text
    assert "11.3 percentage points above the required progress" in text
    assert "down 12.3% year on year" in text


def test_a_completion_equal_to_the_schedule_as_printed_is_level_with_it(english, settings):
    settings.NOTICE_PERCENT_PLACES = 2
    # 0.500049 prints 50.00 %: level, not "0.00 points above"
    assert prose.against_schedule(D("0.500049"), D("0.5")) == "level with the required progress"
    # growth that prints 0.00 % is neither up nor down
    assert prose.year_on_year(D("0.00004")) == "level with the same months of last year"


def test_a_setting_outside_one_or_two_falls_back_to_two_places(settings):
    settings.NOTICE_PERCENT_PLACES = 4
    assert prose.percent(D("0.123456")) == "12.35%"


def test_the_interview_sentence_names_the_regions_and_is_one_sentence(english):
    case = InterviewCase("上思县", "上思县", D("0.2"), D("0.5"), D("9000000"), 2, 2)
    sentence = prose.interview_sentence(
        _report(completion="0.16", growth=None, interviewees=[case])
    )
    assert "上思县 will be interviewed this quarter." in sentence
    assert prose.interview_sentence(_report(completion="0.16", growth=None)) == ""


def _pending() -> dict[str, str]:
    text = (Path(__file__).resolve().parents[2] / "locale/pending/cycleB.po").read_text()
    pairs = re.findall(r'msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"', text)
    return dict(pairs)


def test_the_chinese_wording_is_what_bureaus_print():
    pending = _pending()
    assert pending["%(points)s percentage points above the required progress"] == (
        "高于序时进度%(points)s个百分点"
    )
    assert pending["%(points)s percentage points below the required progress"] == (
        "低于序时进度%(points)s个百分点"
    )
    assert pending["up %(growth)s year on year"] == "同比增长%(growth)s"
    assert pending["down %(growth)s year on year"] == "同比下降%(growth)s"


def test_every_pending_chinese_sentence_ends_with_a_full_stop():
    for msgid, msgstr in _pending().items():
        if msgid.endswith(".") and msgstr:
            assert msgstr.endswith("。"), msgid


def _item(method: str, **fields) -> dict:
    """One indicator of a frozen assessment, as the snapshot stores it."""
    return {
        "method": method,
        "input": "completion",
        "missing": False,
        "weight": "30.00",
        "points": "0.00",
        "ratio": None,
        "reference": None,
        "bounded": False,
        "steps": None,
        "points_per_step": None,
        **fields,
    }


def test_points_are_explained_in_percentages_not_raw_ratios(english, settings):
    settings.NOTICE_PERCENT_PLACES = 2
    # Ratio to a target of 1 (100 %): 1.0975 of it is 109.75 % of the target; cap 1.2 not
    # reached, points 30 × 1.0975 = 32.93 are above the weight: no "full marks".
    assert (
        prose.explain_points(
            _item("ratio_to_target", ratio="1.0975", reference="1.0000", points="32.93")
        )
        == "109.75% of the target"
    )
    # Stepped at the target: the weight exactly → full marks.
    assert (
        prose.explain_points(
            _item(
                "stepped",
                ratio="1.0000",
                reference="1.0000",
                weight="20.00",
                points="20.00",
                steps=0,
                points_per_step="1.00",
            )
        )
        == "100.00% of the target, above the target by less than a step, full marks"
    )
    # One whole step: "1 step above", never "1 whole steps".
    assert prose.explain_points(
        _item("stepped", ratio="1.1500", reference="1.0000", steps=1, points_per_step="1.00")
    ) == ("115.00% of the target, 1 step above the target (1.00 points each)")
    assert prose.explain_points(
        _item("stepped", ratio="0.7000", reference="1.0000", steps=-3, points_per_step="2.00")
    ) == ("70.00% of the target, 3 steps below the target (2.00 points off each)")


def test_the_efficacy_range_is_written_as_percentages_with_a_true_minus(english, settings):
    settings.NOTICE_PERCENT_PLACES = 2
    text = prose.explain_points(
        _item(
            "efficacy_coefficient",
            input="yoy_growth",
            efficacy_score="100.00",
            range_min="-0.0680",
            range_max="0.4060",
            points="20.00",
            weight="20.00",
        )
    )
    assert text == (
        "efficacy score 100.00 (Year-on-year growth range −6.80% to 40.60%), full marks"
    )


def test_a_quota_is_explained_as_a_count_against_it(english):
    assert (
        prose.explain_points(
            _item("quota", input="promotion_events", value="3", ratio="0.7500", reference="4")
        )
        == "3 against a quota of 4"
    )
