"""The spreadsheet import of monthly figures and yearly targets: preview, then apply.

A file (long layout 地区 | 年份 | 月份 | 实际使用外资（万美元）, wide layout 1月…12月, or targets
地区 | 年份 | 目标（万美元）) is read and validated completely, and each cell is compared with what
is stored (:func:`preview_figures_import`, :func:`preview_targets_import`); a county official's
file is compared likewise but only their own region is accepted
(:func:`preview_submissions_import`; confirming it is ``submissions.submit_import``). The preview
(``ImportPreview`` of ``CellChange``) says what confirming would write, which months are locked,
what looks implausible and whether a reason is required; :func:`apply_import` writes every new and
changed cell, with history, in one transaction or nothing. The rules are those of a figure edited
by hand (``figures``): a locked month refuses every change, a reason is required once an issued
notice covers a changed month (or, for a target, any month of its year).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.figures import (
    history_user,
    keep_demo_values,
    latest_notified_months,
    locked_message,
    locked_months,
    not_begun_message,
)
from assessments.models import MonthlyFigure, RegionTarget
from fdi_portal.cache import FIGURES, retires
from fdi_portal.imports import (
    AmountChange,
    Preview,
    RegionLookup,
    RegionMessages,
    insert_rows,
    update_rows,
)
from fdi_portal.lib import plausibility, spreadsheets
from fdi_portal.lib.money import MAX_WAN, wan_to_base
from fdi_portal.lib.spreadsheets import (
    CellError,
    Column,
    ErrorCode,
    Kind,
    MonthColumns,
    SheetResult,
    SheetSpec,
)
from fdi_portal.models import City, Region

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
    the changed cells for verification (``submissions.submit_import``), so no reason is asked."""
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
    if kind == "figures":
        today = timezone.localdate()
        # The months not begun, once for each month the file names.
        not_begun = {
            (year, month): not_begun_message(year, month, today)
            for year, month in {(year, month) for _row, _region, year, month, _amount in cells}
        }
        errors += [
            result.cell_error(row_number, month if wide else "month", message)
            for row_number, _region, year, month, _amount in cells
            if (message := not_begun[year, month])
        ]
    if errors:
        return Preview.failed(kind, result.sheet, errors)
    changes = _compare(kind, cells)
    if kind == "figures":
        errors += [
            result.cell_error(change.row, change.month if wide else "month", message)
            for change, message in locked_changes(changes)
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


def locked_changes(changes: Iterable[CellChange]) -> list[tuple[CellChange, str]]:
    """Each change of a figure in a locked month, with the message saying so (one query)."""
    pending = [c for c in changes if c.status != "unchanged" and c.month is not None]
    locked = locked_months({c.region.city_id for c in pending}, {c.year for c in pending})
    return [
        (c, locked_message(c.year, c.month))
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


def _reason_required(changes: Iterable[CellChange]) -> bool:
    pending = [change for change in changes if change.status != "unchanged"]
    covered = latest_notified_months({c.region.city_id for c in pending}, {c.year for c in pending})
    return any(covered.get((c.region.city_id, c.year), 0) >= (c.month or 1) for c in pending)


@retires(lambda preview, **_: {c.region.city_id for c in preview.changes}, kinds=FIGURES)
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
        locked = locked_changes(pending)
        if locked:
            raise ValidationError([message for _change, message in locked[:1]])
    reason = reason.strip() or _("Spreadsheet import")
    author = history_user(user)
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
    _write_changes(preview.kind, pending, stored, user=author, reason=reason)
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
    keep_demo_values(
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


def _month(change: CellChange) -> dict[str, int]:
    return {} if change.month is None else {"month": change.month}
