"""Every write of the assessments app, each one transaction; ``ValidationError`` says what the
user must fix.

Targets and monthly figures: cell edits from the grid, spreadsheet imports, county
submissions and their verification, period locks. Every write keeps its history (who, when,
old → new, reason). A reason is required once an issued notice covers the changed month (or,
for a target, any month of its year): what was published is being corrected, and the
correction must say why. A locked month (``PeriodLock``) refuses every change of its figures.
A value that looks implausible (``plausibility``) must be confirmed.

Supervision (at the end): issuing notices and annual assessments, recording interviews, editing
progress schedules and scoring schemes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Max, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments import calculations as calc
from assessments.loaders import latest_figure_month, region_code, region_histories
from assessments.models import (
    AnnualAssessment,
    CityTarget,
    FigureSubmission,
    Interview,
    MonthlyFigure,
    Notice,
    PeriodLock,
    ProgressSchedule,
    RegionTarget,
    ScoringScheme,
)
from assessments.pages import draft_snapshot, score
from assessments.schemes import SchemeError, parse_scheme
from fdi_portal import spreadsheets
from fdi_portal.audit import record_event, snapshot_sha256
from fdi_portal.imports import (
    BATCH_SIZE,
    AmountChange,
    Preview,
    RegionLookup,
    RegionMessages,
    insert_rows,
    update_rows,
)
from fdi_portal.lib import plausibility
from fdi_portal.lib.money import CENT, MAX_WAN, base_to_wan, format_wan, wan_to_base
from fdi_portal.locking import check_unchanged
from fdi_portal.models import AuditEvent, City, Region
from fdi_portal.spreadsheets import (
    CellError,
    Column,
    ErrorCode,
    Kind,
    MonthColumns,
    SheetResult,
    SheetSpec,
)

REGION = Column("region", ("地区", "地区名称", "县（市、区）", "县市区"), Kind.TEXT)
YEAR = Column("year", ("年份", "年度"), Kind.YEAR)
FIGURES_LONG = SheetSpec(
    columns=(
        REGION,
        YEAR,
        Column("month", ("月份",), Kind.MONTH),
        Column("amount", ("实际使用外资（万美元）", "实际使用外资"), Kind.DECIMAL),
    )
)
FIGURES_WIDE = SheetSpec(columns=(REGION, YEAR), months=MonthColumns())
TARGETS = SheetSpec(
    columns=(
        REGION,
        YEAR,
        Column("amount", ("目标（万美元）", "目标", "年度目标（万美元）"), Kind.DECIMAL),
    )
)


@dataclass(frozen=True)
class CellChange(AmountChange):
    """One cell of an import: a region's figure for a month (or its target: month None)."""

    row: int
    region: Region
    year: int
    month: int | None
    old_usd: Decimal | None
    new_usd: Decimal
    #: What looks implausible about the new value (figures only), in words.
    warnings: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.region.pk},{self.year},{self.month},{self.old_usd},{self.new_usd}"


#: An import's preview (fdi_portal.imports.Preview) of CellChange, kind "figures" or "targets".
ImportPreview = Preview


def read_figures(source: Any, *, max_bytes: int | None) -> SheetResult:
    """Read the long layout (地区 | 年份 | 月份 | 实际使用外资) or else the wide one (1月…12月)."""
    long = spreadsheets.read_sheet(source, FIGURES_LONG, max_bytes=max_bytes)
    if long.header_row is not None or not _no_header(long):
        return long
    wide = spreadsheets.read_sheet(source, FIGURES_WIDE, max_bytes=max_bytes)
    if wide.header_row is not None or not _no_header(wide):
        return wide
    return SheetResult(
        sheet=long.sheet,
        header_row=None,
        rows=(),
        totals=(),
        errors=(
            spreadsheets.CellError(
                long.sheet,
                None,
                None,
                None,
                _(
                    "No header row found. Use one of the templates: 地区 | 年份 | 月份 | "
                    "实际使用外资（万美元）, or 地区 | 年份 | 1月 | 2月 | … | 12月"
                ),
                spreadsheets.ErrorCode.NO_HEADER,
            ),
        ),
    )


def _no_header(result: SheetResult) -> bool:
    return any(error.code == spreadsheets.ErrorCode.NO_HEADER for error in result.errors)


def preview_figures_import(
    source: Any, *, city: City | None, max_bytes: int | None
) -> ImportPreview:
    """Validate a figures file completely and compare every cell with what is stored.

    ``source``: a path or a binary file object (an upload), an xlsx in the long or the wide
    layout, amounts in 万美元 (up to 4 decimals; stored in USD). ``city``: only its regions are
    accepted (None: every city's, as on the command line). ``max_bytes``: the upload limit
    (None: none). Never raises for a bad file: ``errors`` says what to fix. Three queries
    however long the file: regions, stored figures, issued notices.
    """
    result = read_figures(source, max_bytes=max_bytes)
    return _preview("figures", result, city)


def preview_submissions_import(
    source: Any, *, city: City | None, user: Any, max_bytes: int | None
) -> ImportPreview:
    """A county official's figures file: like :func:`preview_figures_import`, compared with
    the official figures, but only the official's own region is accepted; confirming submits
    the changed cells for verification (:func:`submit_import`), so no reason is asked."""
    result = read_figures(source, max_bytes=max_bytes)
    lookup = RegionLookup(
        Region.objects.writable_by(user),
        city=city,
        assessed_only=True,
        messages=RegionMessages(
            outside=gettext_lazy(
                "「%(name)s」 is not your region: you can submit only your own region's figures"
            )
        ),
    )
    preview = _preview("figures", result, city, lookup=lookup)
    return replace(preview, reason_required=False)


def preview_targets_import(
    source: Any, *, city: City | None, max_bytes: int | None
) -> ImportPreview:
    """Like :func:`preview_figures_import`, for 地区 | 年份 | 目标（万美元）."""
    result = spreadsheets.read_sheet(source, TARGETS, max_bytes=max_bytes)
    return _preview("targets", result, city)


def _preview(
    kind: Literal["figures", "targets"],
    result: SheetResult,
    city: City | None,
    *,
    lookup: RegionLookup | None = None,
) -> ImportPreview:
    errors = list(result.errors)
    if result.header_row is None:
        return Preview.failed(kind, result.sheet, errors)
    errors += spreadsheets.check_totals(result)
    lookup = lookup or RegionLookup(city=city, assessed_only=True)
    wide = kind == "figures" and "month" not in result.columns
    cells: list[tuple[int, Region, int, int | None, Decimal]] = []
    # A file names the same regions thousands of times: each name is resolved once.
    resolved: dict[str, tuple[Region | None, str]] = {}
    for row in result.rows:
        values = row.values
        region = None
        written = values["region"]
        if written:
            region, problem = resolved.get(written) or resolved.setdefault(
                written, lookup.resolve(written)
            )
            if region is None:
                errors.append(result.cell_error(row.row, "region", problem))
        year = values["year"]
        if wide:
            amounts: Iterable[tuple[int | None, Decimal]] = row.months.items()
        elif kind == "figures":
            amounts = ((values["month"], values["amount"]),) if values["month"] is not None else ()
        else:
            amounts = ((None, values["amount"]),)
        for month, amount in amounts:
            if amount is not None and amount >= MAX_WAN:
                errors.append(
                    result.cell_error(
                        row.row,
                        month if wide else "amount",
                        _("%(amount)s 万美元 is far too large: check the unit and the figure")
                        % {"amount": f"{amount:,}"},
                        code=ErrorCode.OUT_OF_RANGE,
                    )
                )
            elif amount is not None and region is not None and year is not None:
                cells.append((row.row, region, year, month, amount))
    errors += _duplicates(result, cells, wide=wide)
    if errors:
        return Preview.failed(kind, result.sheet, errors)
    changes = _compare(kind, cells)
    if kind == "figures":
        errors += [
            result.cell_error(change.row, change.month if wide else "month", message)
            for change, message in _locked_changes(changes)
        ]
        if errors:
            return Preview.failed(kind, result.sheet, errors)
    located = _("Row %(row)s, %(region)s %(year)s-%(month)02d: %(warning)s")
    return Preview(
        kind,
        result.sheet,
        tuple(changes),
        (),
        reason_required=_reason_required(changes),
        warnings=tuple(
            located
            % {
                "row": c.row,
                "region": c.region.name,
                "year": c.year,
                "month": c.month,
                "warning": warning,
            }
            for c in changes
            if c.status != "unchanged"
            for warning in c.warnings
        ),
    )


def _locked_changes(changes: Iterable[CellChange]) -> list[tuple[CellChange, str]]:
    """Each change of a figure in a locked month, with the message saying so (one query)."""
    pending = [c for c in changes if c.status != "unchanged" and c.month is not None]
    locked = locked_months({c.region.city_id for c in pending}, {c.year for c in pending})
    return [
        (c, _locked_message(c.year, c.month))
        for c in pending
        if (c.region.city_id, c.year, c.month) in locked
    ]


def _duplicates(
    result: SheetResult,
    cells: list[tuple[int, Region, int, int | None, Decimal]],
    *,
    wide: bool,
) -> list[CellError]:
    """Every cell that repeats an earlier one (same region, year and month), located at the
    month column in the wide layout and at 地区 otherwise."""
    errors: list[CellError] = []
    seen: dict[tuple[int, int, int | None], int] = {}
    for line, region, year, month, _amount in cells:
        first = seen.setdefault((region.id, year, month), line)
        if first != line:
            what = (
                _("the same region and year can have only one target")
                if month is None
                else _("the same region and month can have only one figure")
            )
            errors.append(
                result.cell_error(
                    line,
                    month if wide else "region",
                    _("Row %(row)s repeats row %(first)s: %(what)s")
                    % {"row": line, "first": first, "what": what},
                    code=ErrorCode.DUPLICATE_ROW,
                )
            )
    return errors


def _stored(
    kind: str, region_ids: set[int], years: set[int], *, for_update: bool = False
) -> dict[tuple[int, int, int | None], tuple[int, Decimal, bool]]:
    """(region, year, month or None) → (id, amount, is_demo) of the stored figure or target, in
    one query (tuples, not model instances: an import may compare 100 000 of them)."""
    if not region_ids:
        return {}
    if kind == "targets":
        rows = RegionTarget.objects.filter(region_id__in=region_ids, year__in=years).values_list(
            "region_id",
            "year",
            Value(None, output_field=models.IntegerField()),
            "id",
            "target_usd",
            "is_demo",
        )
    else:
        rows = MonthlyFigure.objects.filter(region_id__in=region_ids, year__in=years).values_list(
            "region_id", "year", "month", "id", "amount_usd", "is_demo"
        )
    rows = rows.order_by()  # the default ordering would join the regions
    if for_update:
        rows = rows.select_for_update()
    return {
        (region, year, month): (pk, amount, demo) for region, year, month, pk, amount, demo in rows
    }


def _compare(
    kind: str, cells: list[tuple[int, Region, int, int | None, Decimal]]
) -> list[CellChange]:
    """Pair every cell with the stored value, in one query."""
    region_ids = {region.id for _row, region, *_rest in cells}
    years = {year for _row, _region, year, *_rest in cells}
    if kind == "figures":
        # Last year's figures too, in the same query: the plausibility checks read them.
        years |= {year - 1 for year in years}
    stored = {key: amount for key, (_pk, amount, _demo) in _stored(kind, region_ids, years).items()}
    histories: dict[int, dict[tuple[int, int], Decimal]] = {}
    for (region_id, year, month), amount in stored.items():
        if month is not None:
            histories.setdefault(region_id, {})[(year, month)] = amount
    # Each region's months, latest first, sorted once rather than for every cell checked.
    latest = {region_id: sorted(history, reverse=True) for region_id, history in histories.items()}
    today = timezone.localdate()
    changes = []
    no_history: dict[tuple[int, int], Decimal] = {}
    described: dict[plausibility.Concern, str] = {}  # e.g. "not begun yet", thousands of times
    for row, region, year, month, amount in cells:
        region_id = region.id
        old, new = stored.get((region_id, year, month)), wan_to_base(amount)
        warnings: tuple[str, ...] = ()
        if kind == "figures" and old != new:
            concerns = plausibility.check_figure(
                new,
                year=year,
                month=month,
                history=histories.get(region_id, no_history),
                today=today,
                latest=latest.get(region_id, ()),
            )
            if concerns:
                warnings = tuple(
                    described.get(c) or described.setdefault(c, plausibility.describe_concern(c))
                    for c in concerns
                )
        changes.append(CellChange(row, region, year, month, old, new, warnings))
    return changes


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


def _check_plausible(
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


def _locked_message(year: int, month: int) -> str:
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
        raise ValidationError(_locked_message(year, month))


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
        city=city, year=year, month=month, locked_by=_history_user(user), locked_at=timezone.now()
    )
    lock._history_user = _history_user(user)
    lock._change_reason = _("Locked")
    try:
        with transaction.atomic():
            lock.save()
    except IntegrityError:
        raise ValidationError(
            _("%(year)s-%(month)02d is already locked.") % {"year": year, "month": month}
        ) from None
    return lock


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
    lock._history_user = _history_user(user)
    lock._change_reason = reason.strip()
    lock.delete()


def _reason_required(changes: Iterable[CellChange]) -> bool:
    pending = [change for change in changes if change.status != "unchanged"]
    covered = latest_notified_months({c.region.city_id for c in pending}, {c.year for c in pending})
    return any(covered.get((c.region.city_id, c.year), 0) >= (c.month or 1) for c in pending)


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


@transaction.atomic
def apply_import(preview: ImportPreview, *, user: Any, reason: str = "") -> dict[str, int]:
    """Write every new and changed cell of a previewed import, with history, or nothing.

    Raises ValidationError when the preview has errors, when a reason is needed and missing
    (checked again here: a notice may have been issued since the preview), or when a stored
    figure changed after the preview (preview again). Returns the counts of new, changed and
    unchanged cells.
    """
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    pending = preview.pending
    if (preview.reason_required or _reason_required(pending)) and not reason.strip():
        raise ValidationError(
            _("A notice covering these months has been issued: give a reason for the change.")
        )
    if preview.kind == "figures":
        # Checked again here: the month may have been locked since the preview.
        locked = _locked_changes(pending)
        if locked:
            raise ValidationError([message for _change, message in locked[:1]])
    reason = reason.strip() or _("Spreadsheet import")
    history_user = _history_user(user)
    stored = _stored(
        preview.kind,
        {c.region.pk for c in preview.changes},
        {c.year for c in preview.changes},
        for_update=True,
    )
    for change in preview.changes:
        found = stored.get((change.region.pk, change.year, change.month))
        if (found[1] if found is not None else None) != change.old_usd:
            raise ValidationError(
                _(
                    "The stored figures changed after the preview (row %(row)s, %(region)s): "
                    "upload the file again and check the changes."
                )
                % {"row": change.row, "region": change.region.name}
            )
    _write_changes(preview.kind, pending, stored, user=history_user, reason=reason)
    return preview.counts


def _write_changes(
    kind: str,
    pending: list[CellChange],
    stored: dict[tuple[int, int, int | None], tuple[int, Decimal, bool]],
    *,
    user: Any,
    reason: str,
) -> None:
    """Insert the new cells and update the changed ones, each with its history row ("+" or
    "~", who, when, why), as simple_history's bulk helpers would, in a few statements per
    thousand cells: rows of values, no model instance per cell."""
    model = RegionTarget if kind == "targets" else MonthlyFigure
    field = "target_usd" if kind == "targets" else "amount_usd"
    keys = ["region", "year", *([] if kind == "targets" else ["month"])]
    new = [c for c in pending if c.status == "new"]
    changed = [c for c in pending if c.status == "changed"]
    _keep_demo_values(
        model,
        [
            model(pk=pk, region=c.region, year=c.year, **_month(c), **{field: amount}, is_demo=True)
            for c in changed
            for pk, amount, is_demo in [stored[_key(c)]]
            if is_demo
        ],
    )
    tracked = ["id", *keys, field, "is_demo"]
    history = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_user": user.pk if user is not None else None,
        "history_change_reason": reason,
    }
    if new:
        try:
            with transaction.atomic():
                insert_rows(
                    model,
                    [*keys, field, "is_demo"],
                    ((c.region.id, c.year, *_months(c), c.new_usd, False) for c in new),
                )
        except IntegrityError as error:  # someone entered one of these cells meanwhile
            raise ValidationError(
                _("The stored figures changed after the preview: upload the file again.")
            ) from error
        created = _stored(kind, {c.region.id for c in new}, {c.year for c in new})
        insert_rows(
            model.history.model,
            tracked,
            _history_rows(new, created),
            same={**history, "history_type": "+"},
        )
    if changed:
        update_rows(
            model, [field, "is_demo"], ((stored[_key(c)][0], c.new_usd, False) for c in changed)
        )
        insert_rows(
            model.history.model,
            tracked,
            _history_rows(changed, stored),
            same={**history, "history_type": "~"},
        )


def _history_rows(changes: list[CellChange], ids: dict) -> Iterator[tuple]:
    """The history row of each written cell (``ids``: the stored row of each cell's key)."""
    for c in changes:
        yield (ids[_key(c)][0], c.region.id, c.year, *_months(c), c.new_usd, False)


def _key(change: CellChange) -> tuple[int, int, int | None]:
    return (change.region.id, change.year, change.month)


def _months(change: CellChange) -> tuple[int, ...]:
    return () if change.month is None else (change.month,)


def _keep_demo_values(model: type[models.Model], objs: list[models.Model]) -> None:
    """Record the demo value of rows about to become real: demo data is loaded without
    history, and the history page pairs each change with the record before it, so that
    replacing the demo 63.90 with 120.00 reads 「63.90 → 120.00」, not 「— → 120.00」. The
    record is marked demo (``is_demo``) and the history page shows it only as the old value."""
    if objs:
        model.history.bulk_history_create(
            objs, batch_size=BATCH_SIZE, default_change_reason=_("Demo data")
        )


def _month(change: CellChange) -> dict[str, int]:
    return {} if change.month is None else {"month": change.month}


def _history_user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


#: ``opened_usd`` of a write that is not an edit of what a form showed (no stale check).
NOT_CHECKED: Any = object()


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
    _check_amount(amount_usd)
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
    check_unlocked(region.city, year, month)
    _require_reason(region.city, year, month, reason)
    _check_plausible(
        region=region, year=year, month=month, amount_usd=amount_usd, confirmed=confirmed
    )
    return _write_figure(
        figure,
        region=region,
        year=year,
        month=month,
        amount_usd=amount_usd,
        user=user,
        reason=reason.strip(),
    )


def _write_figure(
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
        _keep_demo_values(MonthlyFigure, [figure])
    if amount_usd is None:
        figure._history_user = _history_user(user)
        figure._change_reason = reason or _("Removed in the grid")
        figure.delete()
        return None
    figure = figure or MonthlyFigure(region=region, year=year, month=month)
    figure._history_user = _history_user(user)
    figure.amount_usd = amount_usd
    figure.is_demo = False
    figure._change_reason = reason or _("Entered in the grid")
    figure.save()
    return figure


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
    _check_amount(target_usd)
    target = RegionTarget.objects.select_for_update().filter(region=region, year=year).first()
    _check_not_stale(target.target_usd if target else None, opened_usd)
    if (target.target_usd if target else None) == target_usd:
        return target
    _require_reason(region.city, year, None, reason)
    if target is not None and target.is_demo:
        _keep_demo_values(RegionTarget, [target])
    if target_usd is None:
        target._history_user = _history_user(user)
        target._change_reason = reason.strip() or _("Removed in the grid")
        target.delete()
        return None
    target = target or RegionTarget(region=region, year=year)
    target._history_user = _history_user(user)
    target.target_usd = target_usd
    target.is_demo = False
    target._change_reason = reason.strip() or _("Entered in the grid")
    target.save()
    return target


# --------------------------------------------------------------------------- submissions


@transaction.atomic
def submit_figure(
    *,
    region: Region,
    year: int,
    month: int,
    amount_usd: Decimal,
    note: str,
    user: Any,
    confirmed: bool = False,
) -> FigureSubmission:
    """A county official submits their region's figure of a month (已报送). It waits for
    staff; a submission already waiting for the same month is replaced (kept in the history
    as replaced). Refused in a locked month, for an amount equal to the official figure, and
    (``Implausible``) for an implausible value not ``confirmed``."""
    _check_amount(amount_usd)
    if amount_usd is None:
        raise ValidationError(_("Enter the month's amount."))
    if not 1 <= month <= 12:
        raise ValidationError(_("A month is a number from 1 to 12."))
    check_unlocked(region.city, year, month)
    official = (
        MonthlyFigure.objects.filter(region=region, year=year, month=month)
        .values_list("amount_usd", flat=True)
        .first()
    )
    if official == amount_usd:
        raise ValidationError(_("This is already the official figure: nothing to submit."))
    warnings = _check_plausible(
        region=region, year=year, month=month, amount_usd=amount_usd, confirmed=confirmed
    )
    FigureSubmission.objects.select_for_update().filter(
        region=region, year=year, month=month, status=FigureSubmission.Status.SUBMITTED
    ).update(status=FigureSubmission.Status.SUPERSEDED)
    return FigureSubmission.objects.create(
        region=region,
        year=year,
        month=month,
        amount_usd=amount_usd,
        note=note.strip(),
        warnings=_("; ").join(warnings),
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def _waiting(submission: FigureSubmission) -> FigureSubmission:
    """The submission, locked, if it still waits for review; else ``ValidationError``."""
    current = FigureSubmission.objects.select_for_update().get(pk=submission.pk)
    if current.status != FigureSubmission.Status.SUBMITTED:
        raise ValidationError(
            _("This submission was already dealt with (%(status)s).")
            % {"status": current.get_status_display()}
        )
    return current


@transaction.atomic
def verify_submission(
    *, submission: FigureSubmission, user: Any, reason: str = ""
) -> MonthlyFigure | None:
    """审核通过: the submitted amount becomes the official figure (its history names the
    verifying clerk and the submission's note). Refused in a locked month, and once a notice
    covers the month unless the note or ``reason`` says why."""
    submission = _waiting(submission)
    region = submission.region
    check_unlocked(region.city, submission.year, submission.month)
    why = reason.strip() or submission.note
    _require_reason(region.city, submission.year, submission.month, why)
    figure = (
        MonthlyFigure.objects.select_for_update()
        .filter(region=region, year=submission.year, month=submission.month)
        .first()
    )
    written = figure
    if figure is None or figure.amount_usd != submission.amount_usd:
        written = _write_figure(
            figure,
            region=region,
            year=submission.year,
            month=submission.month,
            amount_usd=submission.amount_usd,
            user=user,
            reason=_("Verified submission of %(who)s: %(why)s")
            % {"who": _user_name(submission.submitted_by), "why": why or "—"},
        )
    submission.status = FigureSubmission.Status.VERIFIED
    submission.reviewed_by = _history_user(user)
    submission.reviewed_at = timezone.now()
    submission.review_reason = reason.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])
    return written


@transaction.atomic
def return_submission(*, submission: FigureSubmission, user: Any, reason: str) -> None:
    """退回: the submission goes back to the official with ``reason`` (required); the official
    figure is not touched."""
    if not reason.strip():
        raise ValidationError(_("Say why the figure is returned: the county will read it."))
    submission = _waiting(submission)
    submission.status = FigureSubmission.Status.RETURNED
    submission.reviewed_by = _history_user(user)
    submission.reviewed_at = timezone.now()
    submission.review_reason = reason.strip()
    submission.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason"])


@transaction.atomic
def submit_import(preview: ImportPreview, *, user: Any, note: str = "") -> dict[str, int]:
    """Submit every new and changed cell of a county official's previewed file
    (:func:`preview_submissions_import`) for verification, each replacing a submission that
    waits for the same month; a cell whose waiting submission already holds the value is
    left alone, so importing the same file twice submits nothing the second time. Refused
    when the preview has errors or a month is locked meanwhile. Returns the counts."""
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    pending = preview.pending
    locked = _locked_changes(pending)
    if locked:
        raise ValidationError([message for _change, message in locked[:1]])
    note = note.strip() or _("Spreadsheet import")
    by_cell = {(c.region.pk, c.year, c.month): c for c in pending}
    # An official's file holds one region: a handful of cells, two statements each at most.
    waiting = {
        (s.region_id, s.year, s.month): s
        for s in FigureSubmission.objects.select_for_update()
        .awaiting()
        .filter(region_id__in={key[0] for key in by_cell}, year__in={key[1] for key in by_cell})
    }
    now = timezone.now()
    for key, change in by_cell.items():
        current = waiting.get(key)
        if current is not None and current.amount_usd == change.new_usd:
            continue
        if current is not None:
            current.status = FigureSubmission.Status.SUPERSEDED
            current.save(update_fields=["status"])
        FigureSubmission.objects.create(
            region=change.region,
            year=change.year,
            month=change.month,
            amount_usd=change.new_usd,
            note=note,
            warnings=_("; ").join(change.warnings),
            submitted_by=user,
            submitted_at=now,
        )
    return preview.counts


def _user_name(user: Any) -> str:
    if user is None:
        return _("command line")
    return user.get_full_name() or user.username


def _check_amount(amount_usd: Decimal | None) -> None:
    if amount_usd is None:
        return
    if amount_usd < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if amount_usd != amount_usd.quantize(CENT):
        raise ValidationError(_("An amount in US dollars has at most 2 decimals."))
    if amount_usd >= wan_to_base(MAX_WAN):
        raise ValidationError(_("This amount is far too large: check the unit and the figure."))


def _require_reason(city: City, year: int, month: int | None, reason: str) -> None:
    if not reason.strip() and notice_covers(city, year, month):
        raise ValidationError(
            _("A notice covering this month has been issued: give a reason for the change.")
        )


# --------------------------------------------------------------------------- supervision
# Issuing a notice (and the interviews its figures decide), recording an interview, editing a
# plan's progress schedule and scoring scheme, issuing the annual assessment. Issued notices
# and assessments are frozen: their snapshot is written once, here, and never updated; a later
# correction of a figure shows on the notice as a revision instead.


def notice_number(year: int, sequence: int) -> str:
    """〔2021〕第6期."""
    return f"〔{year}〕第{sequence}期"


def next_sequence(city: City, year: int) -> int:
    """One more than the highest number issued in ``year`` (1 for the first)."""
    last = Notice.objects.filter(
        city=city, kind=Notice.Kind.MONTHLY, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


T = TypeVar("T")


def one_at_a_time(issue: Callable[..., T]) -> Callable[..., T]:
    """Turn what the database says when two people issue the same thing at the same moment
    (the loser's insert of the same period, SQLite's "database is locked" after its wait, a
    PostgreSQL deadlock or serialization failure) into a ValidationError the page shows;
    the loser's transaction has been rolled back, so nothing of theirs is written."""

    @functools.wraps(issue)
    def wrapper(**kwargs: Any) -> T:
        try:
            return issue(**kwargs)
        except (IntegrityError, OperationalError) as error:
            text = str(error).lower()
            if isinstance(error, OperationalError) and not any(
                word in text for word in ("locked", "deadlock", "serializ", "lock timeout")
            ):
                raise
            raise ValidationError(
                _(
                    "Someone else was issuing this at the same moment; nothing of yours was "
                    "saved. Reload the page to see what was issued."
                )
            ) from error

    return wrapper


def _open_notice(*, city: City, kind: str, year: int, month: int) -> Notice:
    """The notice row of the period, locked; refused when it is already issued."""
    notice, _created = Notice.objects.select_for_update().get_or_create(
        city=city, kind=kind, year=year, month=month
    )
    if notice.is_issued:
        raise ValidationError(
            _("The notice %(number)s is already issued; issued notices never change.")
            % {"number": notice.number}
        )
    return notice


def _check_sequence(notice: Notice, sequence: int) -> None:
    """第N期 must be 1 or more and not taken by another notice of the same kind and year."""
    if sequence < 1:
        raise ValidationError(_("The issue number must be 1 or more."))
    if (
        Notice.objects.filter(
            city=notice.city, kind=notice.kind, year=notice.year, sequence=sequence
        )
        .exclude(pk=notice.pk)
        .exists()
    ):
        raise ValidationError(
            _("The number %(number)s is already used by another notice.")
            % {"number": notice_number(notice.year, sequence)}
        )


def _freeze(issuable: Any, *, snapshot: dict, issued_on: dt.date, user: Any, action: str) -> None:
    """Issue a notice or an assessment for good: its snapshot, date, time and author, and the
    audit log's entry with the snapshot's SHA-256."""
    issuable.status = issuable.Status.ISSUED
    issuable.issued_on = issued_on
    issuable.issued_at = timezone.now()
    issuable.issued_by = user if getattr(user, "is_authenticated", False) else None
    issuable.snapshot = snapshot
    issuable.save()
    record_event(
        kind=AuditEvent.Kind.ISSUE,
        user=user,
        city=issuable.city,
        action=action,
        sha256=snapshot_sha256(snapshot),
    )


@one_at_a_time
@transaction.atomic
def issue_notice(
    *,
    city: City,
    year: int,
    month: int,
    issued_on: dt.date,
    user: Any,
    sequence: int | None = None,
) -> Notice:
    """Freeze the monthly notice of ``city`` for ``month`` of ``year`` with the stored figures.

    The notice gets the number 〔year〕第sequence期 (default: the next in the year), the issue
    date and a snapshot of every computed row. At a quarter's end (3/6/9/12) the interviews
    its figures decide are created (status "to be held"). Refused (``ValidationError``) when
    already issued, when the number is taken, or when no region has a figure for the month.
    """
    if month not in range(1, 13):
        raise ValidationError(_("The month must be between 1 and 12."))
    notice = _open_notice(city=city, kind=Notice.Kind.MONTHLY, year=year, month=month)
    last_month = latest_figure_month(city, year)
    if last_month is None or last_month < month:
        raise ValidationError(
            _("No region has a figure for %(month)s/%(year)s yet: enter the figures first.")
            % {"month": month, "year": year}
        )
    sequence = sequence or next_sequence(city, year)
    _check_sequence(notice, sequence)
    snapshot = draft_snapshot(city, year, month)
    notice.sequence = sequence
    notice.number = notice_number(year, sequence)
    _freeze(
        notice,
        snapshot=snapshot,
        issued_on=issued_on,
        user=user,
        action=f"{notice.get_kind_display()} {notice.number} ({year}-{month:02d})",
    )
    if "interviews" in snapshot:
        _create_interviews(notice, snapshot)
    return notice


def _create_interviews(notice: Notice, snapshot: dict) -> list[Interview]:
    cases = snapshot["interviews"]["regions"]
    if not cases:
        return []
    regions = {region_code(r): r for r in Region.objects.in_city(notice.city).assessed()}
    quarter = notice.month // 3
    created = []
    for case in cases:
        interview, _new = Interview.objects.update_or_create(
            region=regions[case["code"]],
            year=notice.year,
            quarter=quarter,
            defaults={
                "city": notice.city,
                "notice": notice,
                "completion": Decimal(case["completion"]),
                "required": Decimal(case["required_share"]),
                "rank": case["rank"],
                "ranked_count": case["ranked_count"],
                "shortfall_usd": Decimal(case["shortfall_usd"]),
            },
        )
        created.append(interview)
    return created


@transaction.atomic
def record_interview(
    *, interview: Interview, held_on: dt.date | None, notes: str, user: Any
) -> Interview:
    """Record when an interview was held (None: not yet) and its notes."""
    if held_on is not None and held_on.year < interview.year:
        raise ValidationError(_("An interview cannot be held before the year it concerns."))
    interview.held_on = held_on
    interview.notes = notes.strip()
    interview.status = Interview.Status.HELD if held_on else Interview.Status.PENDING
    interview.recorded_by = user
    interview.recorded_at = timezone.now()
    interview.save()
    return interview


@transaction.atomic
def save_progress_schedule(
    *, plan: Any, method: str, shares: list[Fraction], label: str
) -> ProgressSchedule:
    """Store a plan's progress schedule: its method and, for a custom one, the 12 cumulative
    monthly shares (validated by the calculations)."""
    if method not in ProgressSchedule.Method.values:
        raise ValidationError(_("Unknown schedule method %(method)s.") % {"method": method})
    if method == ProgressSchedule.Method.CUSTOM:
        try:
            calc.ProgressSchedule(tuple(shares))
        except (TypeError, ValueError) as error:
            raise ValidationError(str(error)) from error
    else:
        shares = []
    schedule, _created = ProgressSchedule.objects.update_or_create(
        plan=plan,
        defaults={
            "method": method,
            "shares": [str(Fraction(s)) for s in shares],
            "label": label,
            "is_default": False,
        },
    )
    return schedule


@transaction.atomic
def save_scoring_scheme(
    *,
    plan: Any,
    indicators: list[dict],
    label: str,
    vetoes: list[dict] | None = None,
    seen_token: str | None = None,
) -> ScoringScheme:
    """Store a plan's scoring scheme; refused (``ValidationError`` naming the indicator and
    field) unless the whole scheme parses (``schemes.parse_scheme``: inputs, methods, weights,
    parameters, vetoes). ``vetoes=None`` keeps the vetoes already stored. With
    ``seen_token`` (the editor's), refused with ``locking.StaleEdit`` when the stored scheme
    changed since the editor was opened."""
    if seen_token is not None:
        stored = ScoringScheme.objects.filter(plan=plan).first()
        if stored is not None:
            check_unchanged(
                instance=stored, fields=["label", "indicators", "vetoes"], seen_token=seen_token
            )
    if vetoes is None:
        stored = ScoringScheme.objects.filter(plan=plan).values_list("vetoes", flat=True).first()
        vetoes = stored or []
    try:
        parse_scheme({"label": label, "indicators": indicators, "vetoes": vetoes})
    except SchemeError as error:
        raise ValidationError(str(error)) from error
    scheme, _created = ScoringScheme.objects.update_or_create(
        plan=plan,
        defaults={
            "indicators": indicators,
            "vetoes": vetoes,
            "label": label,
            "is_default": False,
        },
    )
    return scheme


@one_at_a_time
@transaction.atomic
def issue_assessment(*, city: City, year: int, issued_on: dt.date, user: Any) -> AnnualAssessment:
    """Freeze the annual assessment of ``city`` for ``year``: the scheme used and every
    region's indicator inputs, methods and points. Refused when already issued or when the
    city's plan has no scoring scheme."""
    assessment, _created = AnnualAssessment.objects.select_for_update().get_or_create(
        city=city, year=year
    )
    if assessment.status == AnnualAssessment.Status.ISSUED:
        raise ValidationError(_("The %(year)s assessment is already issued.") % {"year": year})
    data = score(city, year)
    if data is None:
        raise ValidationError(_("The city's plan has no scoring scheme yet."))
    _freeze(
        assessment,
        snapshot=data,
        issued_on=issued_on,
        user=user,
        action=f"{AnnualAssessment._meta.verbose_name} {year}",
    )
    return assessment


# ------------------------------------------------------------------------------------------
# One city target: the plan's utilised-FDI goals and the grid's 全市目标 are one record
# ------------------------------------------------------------------------------------------


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
            plan_growth = value / 100 if goal.unit.strip() in ("%", "％") else value
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
    _require_reason(city, year, None, reason)
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
        _check_amount(target_usd)
        target.target_usd = target_usd
    if growth_target is not None or not keep_missing:
        target.growth_target = growth_target
    target.is_demo = False
    target._history_user = _history_user(user)
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
    from fdi_portal.lib.money import format_ratio, format_wan

    parts = []
    if amount_usd is not None:
        parts.append(_("%(amount)s 10k USD") % {"amount": format_wan(amount_usd)})
    if growth is not None:
        parts.append(_("growth %(growth)s") % {"growth": format_ratio(growth, 2)})
    return _(", ").join(parts) or "—"


# ------------------------------------------------------------------------------------------
# The quarterly campaign notice: issued and frozen like the monthly notice, numbered apart
# ------------------------------------------------------------------------------------------


def next_campaign_sequence(city: City, year: int) -> int:
    """One more than the highest campaign-notice number issued in ``year`` (1 for the
    first): the quarterly notices are numbered apart from the monthly ones."""
    last = Notice.objects.filter(
        city=city, kind=Notice.Kind.QUARTERLY, year=year, sequence__isnull=False
    ).aggregate(last=Max("sequence"))["last"]
    return (last or 0) + 1


@one_at_a_time
@transaction.atomic
def issue_campaign_notice(
    *,
    city: City,
    year: int,
    quarter: int,
    issued_on: dt.date,
    user: Any,
    sequence: int | None = None,
) -> Notice:
    """Freeze the quarter's campaign notice (落地率、到位率 by campaign and region) of
    ``city``: number 〔year〕第sequence期 among the year's campaign notices (default: the next),
    the issue date and the snapshot of every row. Refused (``ValidationError``) when already
    issued, when the number is taken, or when the city has no campaign."""
    from assessments.pages import campaign_draft_snapshot  # pages imports this module's kin

    if quarter not in (1, 2, 3, 4):
        raise ValidationError(_("The quarter must be between 1 and 4."))
    notice = _open_notice(city=city, kind=Notice.Kind.QUARTERLY, year=year, month=quarter * 3)
    snapshot = campaign_draft_snapshot(city, year, quarter)
    if not snapshot["campaigns"]:
        raise ValidationError(_("The city has no campaign: there is nothing to report."))
    sequence = sequence or next_campaign_sequence(city, year)
    _check_sequence(notice, sequence)
    notice.sequence = sequence
    notice.number = notice_number(year, sequence)
    _freeze(
        notice,
        snapshot=snapshot,
        issued_on=issued_on,
        user=user,
        action=f"{notice.get_kind_display()} {notice.number} ({year}-{notice.month:02d})",
    )
    return notice
