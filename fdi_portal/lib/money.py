"""Amounts: stored in base units (USD, CNY) with two decimals, shown and entered in 万 (10 000),
as the documents and every Chinese statistic do. Decimal only; a float never touches money."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

WAN = Decimal(10000)
CENT = Decimal("0.01")
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
