"""One city target: the plan's utilised-FDI goals and the grid's 全市目标 are one record
(``CityTarget``: the amount, in USD, and the growth target of a year).

:func:`set_city_target` is the one place it is written, from the grid's form or from a plan's
goals (:func:`city_target_proposal`, :func:`apply_city_target_proposal`: a plan that would
replace a different stored target must be confirmed). As for any figure, a reason is required
once a notice of the year has been issued (``figures.require_reason``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.figures import NOT_CHECKED, check_amount, history_user, require_reason
from assessments.models import CityTarget
from fdi_portal.cache import FIGURES, retires
from fdi_portal.lib.money import CENT, format_ratio, format_wan, goal_ratio
from fdi_portal.models import City


@dataclass(frozen=True)
class CityTargetProposal:
    """What a plan's goals would set as the city target of ``year``, beside what is stored.
    Amounts in USD; growth as a ratio (0.2 = +20%)."""

    year: int
    stored_usd: Decimal | None
    stored_growth: Decimal | None
    plan_usd: Decimal | None
    plan_growth: Decimal | None

    @property
    def changes(self) -> bool:
        """The plan states a value the stored target does not hold."""
        return (self.plan_usd is not None and self.plan_usd != self.stored_usd) or (
            self.plan_growth is not None and self.plan_growth != self.stored_growth
        )

    @property
    def conflicts(self) -> bool:
        """A stored target would be overwritten with another value: ask first."""
        return self.changes and (self.stored_usd is not None or self.stored_growth is not None)


def city_target_proposal(
    *, city: City, year: int | None, goals: Iterable[Any]
) -> CityTargetProposal | None:
    """The city target the goals (objects with ``metric``, ``target_value``, ``unit``: Goal
    rows or parsed goals' fields) state for ``year``; None when the plan covers no single year
    or states neither the amount nor the growth."""
    if year is None:
        return None
    plan_usd = plan_growth = None
    for goal in goals:
        if goal.target_value is None:
            continue
        if goal.metric == "utilised_fdi_usd":
            plan_usd = Decimal(goal.target_value).quantize(CENT)
        elif goal.metric == "utilised_fdi_growth":
            value = Decimal(goal.target_value)
            plan_growth = goal_ratio(value, goal.unit)
    if plan_usd is None and plan_growth is None:
        return None
    stored = CityTarget.objects.filter(city=city, year=year).first()
    return CityTargetProposal(
        year=year,
        stored_usd=stored.target_usd if stored else None,
        stored_growth=stored.growth_target if stored else None,
        plan_usd=plan_usd,
        plan_growth=plan_growth,
    )


@retires("city", kinds=FIGURES)
@transaction.atomic
def set_city_target(
    *,
    city: City,
    year: int,
    target_usd: Decimal | None,
    growth_target: Decimal | None,
    user: Any,
    reason: str = "",
    keep_missing: bool = True,
    opened: Any = NOT_CHECKED,
) -> CityTarget:
    """The one place the city target of ``year`` is written (the grid's form and a plan's
    goals). With ``keep_missing`` a value given as None keeps what is stored (a plan that
    states only the amount); without it a None growth target clears it (the grid's form). A
    reason is required once a notice of ``year`` has been issued, as for any figure it covers.
    ``opened``: the (amount, growth) the form was opened with, None for no target; a different
    stored target means someone saved meanwhile (``ValidationError``, nothing written)."""
    require_reason(city, year, None, reason)
    target = CityTarget.objects.select_for_update().filter(city=city, year=year).first()
    current = (target.target_usd, target.growth_target) if target else None
    if opened is not NOT_CHECKED and opened != current:
        raise ValidationError(
            _(
                "Someone else changed the city target after you opened the page: it is now "
                "%(target)s. Nothing was saved; check it and save again if yours should "
                "replace it."
            )
            % {"target": _target_words(*current) if current else "—"}
        )
    if target is None:
        if target_usd is None:
            raise ValidationError(_("Give the city target's amount."))
        target = CityTarget(city=city, year=year, target_usd=target_usd)
    if target_usd is not None:
        check_amount(target_usd)
        target.target_usd = target_usd
    if growth_target is not None or not keep_missing:
        target.growth_target = growth_target
    target.is_demo = False
    target._history_user = history_user(user)
    target._change_reason = reason
    target.save()
    return target


def apply_city_target_proposal(
    proposal: CityTargetProposal, *, city: City, user: Any, replace: bool, reason: str = ""
) -> CityTarget | None:
    """Set the city target a plan's goals state. ``ValidationError`` when it would overwrite a
    different stored target and ``replace`` was not confirmed."""
    if not proposal.changes:
        return None
    if proposal.conflicts and not replace:
        raise ValidationError(
            _(
                "The plan's goals set the %(year)s city target to %(plan)s, but %(stored)s is "
                "stored. Confirm that the plan's target replaces it."
            )
            % {
                "year": proposal.year,
                "plan": _target_words(proposal.plan_usd, proposal.plan_growth),
                "stored": _target_words(proposal.stored_usd, proposal.stored_growth),
            }
        )
    return set_city_target(
        city=city,
        year=proposal.year,
        target_usd=proposal.plan_usd,
        growth_target=proposal.plan_growth,
        user=user,
        reason=reason or _("Set from the plan's goals."),
    )


def _target_words(amount_usd: Decimal | None, growth: Decimal | None) -> str:
    parts = []
    if amount_usd is not None:
        parts.append(_("%(amount)s 10k USD") % {"amount": format_wan(amount_usd)})
    if growth is not None:
        parts.append(_("growth %(growth)s") % {"growth": format_ratio(growth, 2)})
    return _(", ").join(parts) or "—"
