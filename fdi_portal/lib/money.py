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


def format_wan(amount: Decimal | None, places: int = 2) -> str:
    """USD shown in 万美元 with ``places`` decimals and thousands separators; '' for None."""
    if amount is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    return f"{base_to_wan(amount).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def format_ratio(ratio: Decimal | None, places: int = 1) -> str:
    """A ratio as a percentage: Decimal('0.4567') → '45.7%'; '—' for None."""
    if ratio is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    return f"{(ratio * 100).quantize(quantum, rounding=ROUND_HALF_UP)}%"
