"""Exact arithmetic for every figure: Decimals in, exact fractions inside, one rounding rule out.

The supervision's figures (completion, growth, landing rates, scores) are compared and ranked
exactly, so a tie is a tie and "on track" never depends on a float. Floats are refused
(``TypeError``); ``int`` is accepted. Results come back as ``Decimal`` correctly rounded to 28
significant digits; :func:`round_half_up` is the one rounding for print (halves away from zero,
as bureaus print figures).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from typing import Final

_CTX: Final = Context(prec=28, rounding=ROUND_HALF_EVEN)
_WIDE: Final = Context(prec=200, rounding=ROUND_HALF_UP)


def exact(value: object, what: str) -> Fraction:
    """Convert a Decimal/int/Fraction to an exact Fraction; reject floats, bools and non-finite."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | Fraction):
        raise TypeError(f"{what} must be a Decimal, got {type(value).__name__}: {value!r}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"{what} must be finite, got {value!r}")
    return Fraction(value)


def to_decimal(value: Fraction) -> Decimal:
    """An exact Fraction as a Decimal, correctly rounded to 28 significant digits."""
    return _CTX.divide(Decimal(value.numerator), Decimal(value.denominator))


def round_half_up(value: Fraction, places: int) -> Decimal:
    """Round an exact value to ``places`` decimals, halves away from zero."""
    scaled = abs(value) * 10**places
    whole = math.floor(scaled + Fraction(1, 2))
    return Decimal(-whole if value < 0 else whole).scaleb(-places, context=_WIDE)


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole — a landing rate, an arrival rate, landed projects' share of the city's
    utilised FDI; None when there is nothing to divide by (whole 0 or less)."""
    whole_exact = exact(whole, "whole")
    return to_decimal(exact(part, "part") / whole_exact) if whole_exact > 0 else None
