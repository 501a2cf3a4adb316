"""Amounts: stored in base units (USD, CNY) with two decimals, shown and entered in 万 (10 000),
as the documents and every Chinese statistic do. Decimal only; a float never touches money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)
YI = Decimal(100_000_000)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
#: The units a document writes an amount in, by the base unit stored: 万 and 亿 of it.
WRITTEN_UNITS: dict[str, tuple[tuple[Decimal, str], ...]] = {
    "美元": ((WAN, "万美元"), (YI, "亿美元")),
    "元": ((WAN, "万元"), (YI, "亿元")),
}
#: A percentage's written unit, half- and full-width.
PERCENT_UNITS = ("%", "％")
#: No amount the portal stores reaches 10¹⁰ 万 (10¹⁴ USD): such an input is a wrong unit or
#: a typo, and the database columns (16 digits, 2 decimals) would not hold it either.
MAX_WAN = Decimal(10) ** 10


def wan_to_base(amount_wan: Decimal) -> Decimal:
    """万美元 → USD (or 万元 → CNY), to the cent. 4 decimals of 万 are whole units."""
    return (amount_wan * WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def base_to_wan(amount: Decimal) -> Decimal:
    """USD → 万美元, exact (a cent is 0.000001 万)."""
    return amount / WAN


def round_wan(amount: Decimal | None, places: int = 2) -> Decimal | None:
    """USD → 万美元 rounded half-up to ``places`` decimals, as every page, export and notice
    prints it (one rounding rule for the whole portal); None stays None."""
    if amount is None:
        return None
    return base_to_wan(Decimal(amount)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def round_percent(ratio: Decimal | None, places: int = 2) -> Decimal | None:
    """A ratio → per cent rounded half-up to ``places`` decimals (0.45675 → 45.68)."""
    if ratio is None:
        return None
    return (Decimal(ratio) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def format_wan(amount: Decimal | None, places: int = 2) -> str:
    """USD shown in 万美元 with ``places`` decimals and thousands separators; '' for None."""
    rounded = round_wan(amount, places)
    return "" if rounded is None else f"{rounded:,}"


def format_ratio(ratio: Decimal | None, places: int = 1) -> str:
    """A ratio as a percentage: Decimal('0.4567') → '45.7%'; '—' for None."""
    rounded = round_percent(ratio, places)
    return "—" if rounded is None else f"{rounded}%"


def notice_places() -> int:
    """Decimals of a published percentage — in a notice's words and tables, on its page, in its
    Word and xlsx, in every export (``NOTICE_PERCENT_PLACES``: 1 or 2, default 2), rounded
    half-up as bureaus print them. Issued snapshots keep ratios to four decimals (xx.xx %), so
    more than two would only print zeros."""
    from django.conf import settings

    places = getattr(settings, "NOTICE_PERCENT_PLACES", 2)
    return places if places in (1, 2) else 2


def format_notice_ratio(ratio: Decimal | None) -> str:
    """A ratio as a notice prints it: 0.16135 → 16.14% (two places) or 16.1% (one); '—' for
    None."""
    return format_ratio(ratio, notice_places())


def written_to_base(value: Decimal | None, unit: str) -> tuple[Decimal | None, str]:
    """An amount as a document writes it → (the amount in base units, the base unit):
    (7000, 万美元) → (70 000 000, 美元), (2.5, 亿元) → (250 000 000, 元). Other units (%, 个,
    次) come back unchanged."""
    for base, written in WRITTEN_UNITS.items():
        for factor, name in written:
            if unit == name:
                return (None if value is None else value * factor), base
    return value, unit


def written_forms(value: Decimal, unit: str) -> list[tuple[Decimal, str]]:
    """The ways a document may write ``value`` of the stored ``unit``: 70 000 000 美元 →
    [(7000, 万美元), (0.7, 亿美元)]; a unit that is not money → [(value, unit)]."""
    if unit in WRITTEN_UNITS:
        return [(value / factor, name) for factor, name in WRITTEN_UNITS[unit]]
    return [(value, unit)]


def typed_unit(unit: str) -> tuple[Decimal, str]:
    """(factor, unit typed) of a stored unit on a form: 美元 is typed in 万美元, 元 in 万元, any
    other unit as stored (factor 1)."""
    if unit in WRITTEN_UNITS:
        return WRITTEN_UNITS[unit][0]
    return Decimal(1), unit


def percent_to_ratio(value: Decimal) -> Decimal:
    """A percentage as typed or written (20, 12.5) → the ratio stored (0.2, 0.125), exact."""
    return Decimal(value) / HUNDRED


def ratio_to_percent(ratio: Decimal) -> Decimal:
    """A stored ratio → the percentage typed or written (0.12 → 12), exact, without trailing
    zeros (1 → 100, not 1E+2)."""
    percent = (Decimal(ratio) * HUNDRED).normalize()
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent


def goal_ratio(value: Decimal, unit: str) -> Decimal:
    """A goal's stated value as a ratio: 20 with unit % → 0.2; a value in another unit (a
    ratio already) unchanged."""
    return percent_to_ratio(value) if unit.strip() in PERCENT_UNITS else Decimal(value)
