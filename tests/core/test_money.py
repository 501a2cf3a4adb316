"""Amounts and percentages as documents write them and the portal stores them
(fdi_portal.lib.money): pure, no database. Expected values worked out by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from fdi_portal.lib import money


@pytest.mark.parametrize(
    ("value", "unit", "stored"),
    [
        (D("7000"), "万美元", (D("70000000"), "美元")),
        (D("2.5"), "亿元", (D("250000000.0"), "元")),
        (D("35"), "亿美元", (D("3500000000"), "美元")),
        (D("20"), "%", (D("20"), "%")),
        (None, "万美元", (None, "美元")),
    ],
)
def test_an_amount_written_in_wan_or_yi_is_stored_in_base_units(value, unit, stored):
    assert money.written_to_base(value, unit) == stored


def test_a_stored_amount_can_be_written_in_wan_or_yi():
    assert money.written_forms(D("70000000"), "美元") == [
        (D("7000"), "万美元"),
        (D("0.7"), "亿美元"),
    ]
    assert money.written_forms(D("20"), "%") == [(D("20"), "%")]


def test_money_is_typed_in_wan_other_units_as_stored():
    assert money.typed_unit("美元") == (D(10000), "万美元")
    assert money.typed_unit("元") == (D(10000), "万元")
    assert money.typed_unit("个") == (D(1), "个")


def test_percentages_and_ratios_convert_exactly_without_exponents():
    assert money.percent_to_ratio(D("12.5")) == D("0.125")
    assert money.ratio_to_percent(D("0.12")) == D("12")
    assert str(money.ratio_to_percent(D("1.00"))) == "100"
    assert str(money.ratio_to_percent(D("0.125"))) == "12.5"
    assert money.goal_ratio(D("20"), " ％") == D("0.2")
    assert money.goal_ratio(D("0.2"), "") == D("0.2")


@pytest.mark.parametrize(("places", "shown"), [(2, "16.14%"), (1, "16.1%"), (3, "16.14%")])
def test_a_notice_prints_percentages_at_its_configured_places(settings, places, shown):
    settings.NOTICE_PERCENT_PLACES = places
    assert money.format_notice_ratio(D("0.16135")) == shown
    assert money.format_notice_ratio(None) == "—"
