"""What the assessments app does and answers for the apps below it (``tasks.signals``,
``projects.signals``).

A stored plan sets here:
- its year's city target, from its utilised-FDI goals (amount, growth): the one record the grid,
  the notices and the goals page use (:func:`propose_city_target`, :func:`store_city_target`);
- a new plan's progress schedule and scoring scheme: the defaults (月数/12, labelled
  「默认方案，可调整」) for an imported plan, copies for a plan carried forward
  (:func:`give_settings`).

The projects app asks which months of arrivals an issued campaign notice reported
(:func:`reported_arrival_months`): a change of those needs a reason.

Connected in ``AssessmentsConfig.ready()``; the apps below import nothing of this app.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from assessments.city_targets import (
    CityTargetProposal,
    apply_city_target_proposal,
    city_target_proposal,
)
from assessments.models import Notice, ProgressSchedule, ScoringScheme
from assessments.schemes import DEFAULT_SCHEDULE_LABEL, default_scheme
from fdi_portal.models import City

#: The regions' quota of FDI-themed promotion events the default scheme scores, as the events
#: page reads it (the quota a plan gives 各县市区).
REGIONS_QUOTA_APPLIES_TO = "各县市区"


def propose_city_target(
    *, city: City, year: int | None, goals: Iterable[Any], **_: Any
) -> CityTargetProposal | None:
    """What the goals would set as the city target of ``year``, beside what is stored."""
    return city_target_proposal(city=city, year=year, goals=goals)


def store_city_target(
    *,
    city: City,
    year: int | None,
    goals: Iterable[Any],
    user: Any,
    replace: bool,
    reason: str,
    **_: Any,
) -> Any:
    """Set the city target the goals state (``ValidationError`` when it would replace a
    different stored target and ``replace`` was not confirmed); the target set, or None."""
    proposal = city_target_proposal(city=city, year=year, goals=goals)
    if proposal is None:
        return None
    return apply_city_target_proposal(
        proposal, city=city, user=user, replace=replace, reason=reason
    )


def give_settings(*, plan: Any, copied_from: Any, quotas: Sequence[Any], **_: Any) -> None:
    """A new plan's schedule and scheme: ``copied_from``'s, row for row (labels and default
    flags kept: staff have not edited the copies), or the defaults, so that its notices and
    annual assessment can run before staff edit them."""
    if copied_from is not None:
        for model in (ProgressSchedule, ScoringScheme):
            row = model.objects.filter(plan=copied_from).first()
            if row is not None:
                row.pk = None
                row.plan = plan
                row._state.adding = True
                row.save()
        return
    events_quota = max(
        (
            q.quantity
            for q in quotas
            if q.unit == "次"
            and q.applies_to == REGIONS_QUOTA_APPLIES_TO
            and isinstance(q.quantity, int)
        ),
        default=None,
    )
    ProgressSchedule.objects.create(
        plan=plan,
        method=ProgressSchedule.Method.MONTHS,
        label=DEFAULT_SCHEDULE_LABEL,
        is_default=True,
    )
    scheme = default_scheme(events_quota=events_quota)
    ScoringScheme.objects.create(
        plan=plan,
        label=scheme["label"],
        indicators=scheme["indicators"],
        vetoes=scheme["vetoes"],
        is_default=True,
    )


def reported_arrival_months(
    *, city_ids: set[int], years: set[int], **_: Any
) -> dict[tuple[int, int], int]:
    """(city id, year) → the last month an issued campaign notice (季度通报: 落地率、到位率)
    reports. One query."""
    covered: dict[tuple[int, int], int] = {}
    for city_id, year, month in (
        Notice.objects.issued()
        .filter(kind=Notice.Kind.QUARTERLY, city_id__in=city_ids, year__in=years)
        .values_list("city_id", "year", "month")
    ):
        covered[city_id, year] = max(month, covered.get((city_id, year), 0))
    return covered
