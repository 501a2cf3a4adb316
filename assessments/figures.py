"""Writing one monthly figure or region target by hand (the grid), and the rules every write of
a figure obeys, whoever makes it (the grid, an import, a verified submission):

- every write keeps its history (who, when, old → new, reason);
- a reason is required once an issued notice covers the changed month (or, for a target, any
  month of its year): what was published is being corrected, and the correction must say why
  (:func:`require_reason`);
- a locked month (``PeriodLock``) refuses every change of its figures (:func:`check_unlocked`;
  :func:`lock_month`, :func:`unlock_month`);
- a value that looks implausible (``fdi_portal.lib.plausibility``) must be confirmed
  (:func:`check_plausible`, ``Implausible``);
- an edit of a value someone changed since the form was opened is refused (``StaleEdit``).

Each write is one transaction; ``ValidationError`` says what the user must fix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.loaders import region_histories
from assessments.models import MonthlyFigure, Notice, PeriodLock, RegionTarget
from fdi_portal.cache import FIGURES, retires
from fdi_portal.imports import BATCH_SIZE
from fdi_portal.lib import plausibility
from fdi_portal.lib.money import CENT, MAX_WAN, base_to_wan, format_wan, wan_to_base
from fdi_portal.models import City, Region

#: ``opened_usd`` of a write that is not an edit of what a form showed (no stale check).
NOT_CHECKED: Any = object()


def history_user(user: Any) -> Any:
    """Who a history row or review names: the user, or None for an anonymous one (a command)."""
    return user if getattr(user, "is_authenticated", False) else None


def check_amount(amount_usd: Decimal | None) -> None:
    """``ValidationError`` unless ``amount_usd`` (USD; None: no amount) is a storable amount:
    not negative, whole cents, below ``MAX_WAN`` 万美元."""
    if amount_usd is None:
        return
    if amount_usd < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if amount_usd != amount_usd.quantize(CENT):
        raise ValidationError(_("An amount in US dollars has at most 2 decimals."))
    if amount_usd >= wan_to_base(MAX_WAN):
        raise ValidationError(_("This amount is far too large: check the unit and the figure."))


def keep_demo_values(model: type[models.Model], objs: list[models.Model]) -> None:
    """Record the demo value of rows about to become real: demo data is loaded without
    history, and the history page pairs each change with the record before it, so that
    replacing the demo 63.90 with 120.00 reads 「63.90 → 120.00」, not 「— → 120.00」. The
    record is marked demo (``is_demo``) and the history page shows it only as the old value."""
    if objs:
        model.history.bulk_history_create(
            objs, batch_size=BATCH_SIZE, default_change_reason=_("Demo data")
        )


# --------------------------------------------------------------------------- period locks


def locked_months(city_ids: Iterable[int], years: Iterable[int]) -> set[tuple[int, int, int]]:
    """(city, year, month) of every locked month of ``city_ids`` in ``years`` (one query)."""
    city_ids, years = set(city_ids), set(years)
    if not city_ids or not years:
        return set()
    return set(
        PeriodLock.objects.filter(city_id__in=city_ids, year__in=years)
        .order_by()
        .values_list("city_id", "year", "month")
    )


def locked_message(year: int, month: int) -> str:
    """What a refused change of a figure in a locked month says."""
    return _(
        "%(year)s-%(month)02d is locked: its figures cannot change. Staff can unlock the month "
        "on the grid, with a reason."
    ) % {"year": year, "month": month}


def is_locked(city: City, year: int, month: int | None) -> bool:
    """Is ``month`` of ``year`` locked for ``city``? (None, a target's month: never.)"""
    if month is None:
        return False
    return PeriodLock.objects.filter(city=city, year=year, month=month).exists()


def check_unlocked(city: City, year: int, month: int) -> None:
    """``ValidationError`` when ``month`` of ``year`` is locked for ``city``."""
    if is_locked(city, year, month):
        raise ValidationError(locked_message(year, month))


@retires("city", kinds=FIGURES)
@transaction.atomic
def lock_month(*, city: City, year: int, month: int, user: Any) -> PeriodLock:
    """Lock ``month`` of ``year``: from now on its figures refuse every change. Locking a
    locked month is refused with a message (also when two staff lock at once)."""
    if month not in range(1, 13):
        raise ValidationError(_("The month must be between 1 and 12."))
    if PeriodLock.objects.filter(city=city, year=year, month=month).exists():
        raise ValidationError(
            _("%(year)s-%(month)02d is already locked.") % {"year": year, "month": month}
        )
    lock = PeriodLock(
        city=city, year=year, month=month, locked_by=history_user(user), locked_at=timezone.now()
    )
    lock._history_user = history_user(user)
    lock._change_reason = _("Locked")
    try:
        with transaction.atomic():
            lock.save()
    except IntegrityError:
        raise ValidationError(
            _("%(year)s-%(month)02d is already locked.") % {"year": year, "month": month}
        ) from None
    return lock


@retires("city", kinds=FIGURES)
@transaction.atomic
def unlock_month(*, city: City, year: int, month: int, user: Any, reason: str) -> None:
    """Unlock ``month`` of ``year``; the reason is required and kept in the lock's history."""
    if not reason.strip():
        raise ValidationError(_("Give a reason for unlocking the month."))
    lock = PeriodLock.objects.select_for_update().filter(city=city, year=year, month=month).first()
    if lock is None:
        raise ValidationError(
            _("%(year)s-%(month)02d is not locked.") % {"year": year, "month": month}
        )
    lock._history_user = history_user(user)
    lock._change_reason = reason.strip()
    lock.delete()


# --------------------------------------------------------------------------- months to come


def not_begun_message(year: int, month: int, today: dt.date | None = None) -> str | None:
    """What a figure of ``month`` of ``year`` says when that month has not begun (None when it
    has): a figure is what was utilised in a month, so a month to come has none yet."""
    today = today or timezone.localdate()
    if (year, month) <= (today.year, today.month):
        return None
    return _(
        "%(year)s-%(month)02d has not begun yet: a month's figure can be entered from that "
        "month on."
    ) % {"year": year, "month": month}


def check_begun(year: int, month: int) -> None:
    """``ValidationError`` when ``month`` of ``year`` has not begun (the grid, a submission,
    its verification and every import of figures refuse it alike)."""
    message = not_begun_message(year, month)
    if message:
        raise ValidationError(message)


# --------------------------------------------------------------------------- the reason rule


def latest_notified_months(
    city_ids: Iterable[int], years: Iterable[int]
) -> dict[tuple[int, int], int]:
    """(city, year) → the last month an issued notice has reported, in one query."""
    rows = (
        Notice.objects.issued()
        .filter(city_id__in=set(city_ids), year__in=set(years), kind=Notice.Kind.MONTHLY)
        .values("city_id", "year")
        .annotate(last=Max("month"))
    )
    return {(row["city_id"], row["year"]): row["last"] for row in rows}


def notice_covers(city: City, year: int, month: int | None) -> bool:
    """Has an issued notice reported this month (any month of the year, for a target)?"""
    return Notice.objects.covering(city, year, month or 1).exists()


def require_reason(city: City, year: int, month: int | None, reason: str) -> None:
    """``ValidationError`` when ``reason`` is blank and an issued notice covers the month (any
    month of ``year``, for a target: ``month`` None)."""
    if not reason.strip() and notice_covers(city, year, month):
        raise ValidationError(
            _("A notice covering this month has been issued: give a reason for the change.")
        )


# --------------------------------------------------------------------------- plausibility


def figure_concerns(
    *, region: Region, year: int, month: int, amount_usd: Decimal
) -> tuple[str, ...]:
    """What looks implausible about ``amount_usd`` as ``region``'s figure of the month, in
    words (one query: the region's figures of this year and last year)."""
    history = region_histories([region.pk], [year, year - 1]).get(region.pk, {})
    concerns = plausibility.check_figure(
        amount_usd, year=year, month=month, history=history, today=timezone.localdate()
    )
    return tuple(plausibility.describe_concern(c) for c in concerns)


class Implausible(ValidationError):
    """A value that looks wrong and was not confirmed: ``warnings`` say why; nothing written."""

    def __init__(self, warnings: tuple[str, ...]) -> None:
        self.warnings = warnings
        super().__init__(
            _("Please check this value: %(warnings)s. Tick the box to confirm it is right.")
            % {"warnings": _("; ").join(warnings)}
        )


def check_plausible(
    *, region: Region, year: int, month: int, amount_usd: Decimal | None, confirmed: bool
) -> tuple[str, ...]:
    """The concerns about a new figure; ``Implausible`` when there are some and the user has
    not confirmed them."""
    if amount_usd is None:
        return ()
    warnings = figure_concerns(region=region, year=year, month=month, amount_usd=amount_usd)
    if warnings and not confirmed:
        raise Implausible(warnings)
    return warnings


# --------------------------------------------------------------------------- one figure or target


class StaleEdit(ValidationError):
    """Someone changed the value after the form was opened: ``current_usd`` is theirs (None:
    no value now). Nothing was written."""

    def __init__(self, current_usd: Decimal | None) -> None:
        self.current_usd = current_usd
        super().__init__(
            _(
                "Someone else changed this value after you opened it: it is now %(current)s "
                "万美元. Nothing was saved; check it and save again if yours should replace it."
            )
            % {"current": _exact_wan(current_usd)}
        )


def _exact_wan(amount_usd: Decimal | None) -> str:
    """万美元 with 2 decimals, or as many as the amount has (up to a cent's 6)."""
    if amount_usd is None:
        return "—"
    exponent = base_to_wan(amount_usd).normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) else 2
    return format_wan(amount_usd, min(6, max(2, places)))


def _check_not_stale(stored_usd: Decimal | None, opened_usd: Any) -> None:
    if opened_usd is not NOT_CHECKED and opened_usd != stored_usd:
        raise StaleEdit(stored_usd)


@retires("region", kinds=FIGURES)
@transaction.atomic
def set_monthly_figure(
    *,
    region: Region,
    year: int,
    month: int,
    amount_usd: Decimal | None,
    user: Any,
    reason: str,
    opened_usd: Any = NOT_CHECKED,
    confirmed: bool = False,
) -> MonthlyFigure | None:
    """Set (or, with None, remove) one region's official figure for a month, from the grid.

    ``amount_usd`` is in USD with at most 2 decimals (convert 万美元 with ``wan_to_base``).
    ``opened_usd``: the value the form was opened with; a different stored value means
    someone saved meanwhile (``StaleEdit``, nothing written). Refused in a locked month;
    a reason is required once an issued notice covers the month; an implausible value needs
    ``confirmed`` (``Implausible``). Setting the stored value again writes nothing.
    """
    check_amount(amount_usd)
    if not 1 <= month <= 12:
        raise ValidationError(_("A month is a number from 1 to 12."))
    figure = (
        MonthlyFigure.objects.select_for_update()
        .filter(region=region, year=year, month=month)
        .first()
    )
    old = figure.amount_usd if figure else None
    _check_not_stale(old, opened_usd)
    if old == amount_usd:
        return figure
    if amount_usd is not None:
        check_begun(year, month)
    check_unlocked(region.city, year, month)
    require_reason(region.city, year, month, reason)
    check_plausible(
        region=region, year=year, month=month, amount_usd=amount_usd, confirmed=confirmed
    )
    return write_figure(
        figure,
        region=region,
        year=year,
        month=month,
        amount_usd=amount_usd,
        user=user,
        reason=reason.strip(),
    )


def write_figure(
    figure: MonthlyFigure | None,
    *,
    region: Region,
    year: int,
    month: int,
    amount_usd: Decimal | None,
    user: Any,
    reason: str,
) -> MonthlyFigure | None:
    """Write the official figure (checks done), with its history."""
    if figure is not None and figure.is_demo:
        keep_demo_values(MonthlyFigure, [figure])
    if amount_usd is None:
        figure._history_user = history_user(user)
        figure._change_reason = reason or _("Removed in the grid")
        figure.delete()
        return None
    figure = figure or MonthlyFigure(region=region, year=year, month=month)
    figure._history_user = history_user(user)
    figure.amount_usd = amount_usd
    figure.is_demo = False
    figure._change_reason = reason or _("Entered in the grid")
    figure.save()
    return figure


@retires("region", kinds=FIGURES)
@transaction.atomic
def set_region_target(
    *,
    region: Region,
    year: int,
    target_usd: Decimal | None,
    user: Any,
    reason: str,
    opened_usd: Any = NOT_CHECKED,
) -> RegionTarget | None:
    """Set (or, with None, remove) a region's target for a year, from the grid (USD).
    ``opened_usd`` as for :func:`set_monthly_figure`."""
    check_amount(target_usd)
    target = RegionTarget.objects.select_for_update().filter(region=region, year=year).first()
    _check_not_stale(target.target_usd if target else None, opened_usd)
    if (target.target_usd if target else None) == target_usd:
        return target
    require_reason(region.city, year, None, reason)
    if target is not None and target.is_demo:
        keep_demo_values(RegionTarget, [target])
    if target_usd is None:
        target._history_user = history_user(user)
        target._change_reason = reason.strip() or _("Removed in the grid")
        target.delete()
        return None
    target = target or RegionTarget(region=region, year=year)
    target._history_user = history_user(user)
    target.target_usd = target_usd
    target.is_demo = False
    target._change_reason = reason.strip() or _("Entered in the grid")
    target.save()
    return target
