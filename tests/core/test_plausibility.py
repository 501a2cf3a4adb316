"""Plausibility checks of an entered figure (fdi_portal.lib.plausibility): pure, no database.
Amounts are USD; the thresholds are tested at exactly 3× and just below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fdi_portal.lib.plausibility import check_arrival, check_figure, median

TODAY = dt.date(2021, 6, 15)


def codes(concerns) -> list[str]:
    return [concern.code for concern in concerns]


def year_2020(**overrides: int) -> dict[tuple[int, int], Decimal]:
    """Every month of 2020 at 100 USD, some months overridden (month number → USD)."""
    amounts = {(2020, m): Decimal(100) for m in range(1, 13)}
    for month, amount in overrides.items():
        amounts[(2020, int(month.removeprefix("m")))] = Decimal(amount)
    return amounts


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([Decimal(v) for v in (10, 40, 20, 30)]) == Decimal(25)
    assert median([Decimal(7)]) == Decimal(7)
    assert median([]) is None


def test_exactly_three_times_the_median_of_the_last_twelve_figures_is_a_warning():
    # Eleven months of 100 and January's 1 000: the median is 100, so 300 is exactly 3×;
    # last January's 1 000 is not exceeded threefold.
    history = year_2020(m1=1000)
    [concern] = check_figure(Decimal(300), year=2021, month=1, history=history, today=TODAY)
    assert concern.code == "median"
    assert concern.reference_usd == Decimal(100)
    assert concern.ratio == Decimal(3)


def test_just_below_three_times_the_median_is_no_warning():
    history = year_2020(m1=1000)
    assert check_figure(Decimal("299.99"), year=2021, month=1, history=history, today=TODAY) == ()


def test_exactly_three_times_the_same_month_last_year_is_a_warning():
    # One figure only (too few for a median): March 2020 at 50, so 150 is exactly 3×.
    history = {(2020, 3): Decimal(50)}
    [concern] = check_figure(Decimal(150), year=2021, month=3, history=history, today=TODAY)
    assert (concern.code, concern.reference_usd, concern.ratio) == (
        "last_year",
        Decimal(50),
        Decimal(3),
    )
    assert check_figure(Decimal("149.99"), year=2021, month=3, history=history, today=TODAY) == ()


def test_a_value_far_above_both_gives_both_warnings():
    history = year_2020()
    concerns = check_figure(Decimal(1000), year=2021, month=1, history=history, today=TODAY)
    assert codes(concerns) == ["median", "last_year"]


def test_only_the_last_twelve_figures_make_the_median_and_the_month_itself_is_left_out():
    # 2019-12 (a huge month) is the 13th latest figure: left out. January 2021, the month
    # being changed, is left out too.
    history = {**year_2020(m1=1000), (2019, 12): Decimal(10**6), (2021, 1): Decimal(10**6)}
    [concern] = check_figure(Decimal(300), year=2021, month=1, history=history, today=TODAY)
    assert concern.reference_usd == Decimal(100)


def test_a_correction_of_an_earlier_month_is_compared_with_the_months_after_it():
    # January 200, March to June 200 each; February corrected to 1 340.81 万 (the typo):
    # the median of the other five is 200, and 1 340.81 ≥ 600.
    history = {(2021, m): Decimal(200) for m in (1, 3, 4, 5, 6)}
    [concern] = check_figure(Decimal("1340.81"), year=2021, month=2, history=history, today=TODAY)
    assert (concern.code, concern.reference_usd) == ("median", Decimal(200))


def test_fewer_than_three_figures_or_a_zero_median_give_no_median_warning():
    two = {(2021, 1): Decimal(1), (2021, 2): Decimal(1)}
    assert check_figure(Decimal(100), year=2021, month=3, history=two, today=TODAY) == ()
    zeros = {(2021, m): Decimal(0) for m in (1, 2, 3)}
    assert check_figure(Decimal(100), year=2021, month=4, history=zeros, today=TODAY) == ()


def test_a_month_that_has_not_begun_is_a_warning_and_the_current_one_is_not():
    assert codes(check_figure(Decimal(1), year=2021, month=7, history={}, today=TODAY)) == [
        "future"
    ]
    assert check_figure(Decimal(1), year=2021, month=6, history={}, today=TODAY) == ()


def test_arrivals_above_the_contracted_fdi_are_a_warning():
    # Contract 500万 (5 000 000 USD), nothing arrived before, 1 600万 entered: 3.2×.
    [concern] = check_arrival(
        Decimal(16_000_000), arrived_before_usd=Decimal(0), contracted_usd=Decimal(5_000_000)
    )
    assert (concern.code, concern.ratio) == ("above_contract", Decimal("3.2"))
    # Exactly the contract (300万 before + 200万 now) is no warning; one dollar more is.
    assert (
        check_arrival(
            Decimal(2_000_000),
            arrived_before_usd=Decimal(3_000_000),
            contracted_usd=Decimal(5_000_000),
        )
        == ()
    )
    assert check_arrival(
        Decimal(2_000_001),
        arrived_before_usd=Decimal(3_000_000),
        contracted_usd=Decimal(5_000_000),
    )
    assert check_arrival(Decimal(1), arrived_before_usd=Decimal(0), contracted_usd=None) == ()
