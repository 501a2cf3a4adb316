"""The arrivals import: projects' monthly arrived FDI (项目名称 or 项目编号 | 年份 | 月份 |
到位外资（万美元）), previewed then applied all or nothing.

The upload → preview → confirm pages are fdi_portal.import_views, the command import_arrivals;
both call the preview and apply functions here. The flow's shared parts are fdi_portal.imports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from fdi_portal.imports import BATCH_SIZE, AmountChange, Preview, name_key
from fdi_portal.lib import spreadsheets
from fdi_portal.lib.money import MAX_WAN, wan_to_base
from fdi_portal.lib.plausibility import check_arrival, describe_concern
from fdi_portal.lib.spreadsheets import CellError, Column, DataRow, ErrorCode, Kind, SheetSpec
from projects.models import Arrival, Project
from projects.services import covered_arrival_months

#: 项目名称 or 项目编号 (the project's number in the portal, shown on its page) names the project.
ARRIVALS = SheetSpec(
    columns=(
        Column("name", ("项目名称", "项目"), Kind.TEXT, required=False),
        Column("number", ("项目编号",), Kind.INT, required=False),
        Column("year", ("年份", "年度"), Kind.YEAR),
        Column("month", ("月份",), Kind.MONTH),
        Column(
            "amount", ("到位外资（万美元）", "实际到位外资（万美元）", "到位外资"), Kind.DECIMAL
        ),
    )
)


@dataclass(frozen=True)
class ArrivalChange(AmountChange):
    """One row of an arrivals import: a project's arrived FDI for a month, stored and new."""

    row: int
    project: Project
    year: int
    month: int
    old_usd: Decimal | None
    new_usd: Decimal

    @property
    def key(self) -> str:
        return f"{self.project.pk},{self.year},{self.month},{self.old_usd},{self.new_usd}"


def preview_arrivals_import(
    source: Any, *, projects: QuerySet[Project], max_bytes: int | None
) -> Preview:
    """Validate an arrivals file (项目名称 or 项目编号 | 年份 | 月份 | 到位外资（万美元）) and
    compare every row with what is stored. Only ``projects`` may be named (the user's writable
    projects on the web, every project or a city's on the command line); a name several cities
    share must be given as 项目编号. Amounts in 万美元, stored in USD. Three queries."""
    result = spreadsheets.read_sheet(source, ARRIVALS, max_bytes=max_bytes)
    errors = list(result.errors)
    if result.header_row is None:
        return Preview.failed("arrivals", result.sheet, errors)
    if "name" not in result.columns and "number" not in result.columns:
        errors.append(
            CellError(
                result.sheet,
                result.header_row,
                None,
                None,
                str(_("The header needs a 项目名称 or a 项目编号 column.")),
                ErrorCode.NO_HEADER,
            )
        )
        return Preview.failed("arrivals", result.sheet, errors)
    errors += spreadsheets.check_totals(result)
    candidates = list(projects.order_by().only("pk", "name", "city_id", "contracted_fdi_usd"))
    by_pk = {p.pk: p for p in candidates}
    by_name: dict[str, list[Project]] = defaultdict(list)
    for p in candidates:
        by_name[name_key(p.name)].append(p)
    resolved: dict[int, Project] = {}
    for row in result.rows:
        project, column, problem = _resolve_project(row, by_pk, by_name)
        if project is not None:
            resolved[row.row] = project
        elif problem:
            errors.append(result.cell_error(row.row, column, problem))
        amount = row["amount"]
        if amount is not None and amount >= MAX_WAN:
            errors.append(
                result.cell_error(
                    row.row,
                    "amount",
                    _("%(amount)s 万美元 is far too large: check the unit and the figure")
                    % {"amount": f"{amount:,}"},
                    code=ErrorCode.OUT_OF_RANGE,
                )
            )
    errors += spreadsheets.find_duplicates(
        result,
        lambda row: (
            (resolved[row.row].pk, row["year"], row["month"])
            if row.row in resolved and row["year"] and row["month"]
            else None
        ),
        reason=_("the same project and month can have only one arrival"),
    )
    if errors:
        return Preview.failed("arrivals", result.sheet, errors)
    stored = _stored_arrivals({p.pk for p in resolved.values()}, {r["year"] for r in result.rows})
    changes = []
    for row in result.rows:
        project = resolved[row.row]
        old = stored.get((project.pk, row["year"], row["month"]))
        changes.append(
            ArrivalChange(
                row.row,
                project,
                row["year"],
                row["month"],
                old.amount_usd if old else None,
                wan_to_base(row["amount"]),
            )
        )
    return Preview(
        "arrivals",
        result.sheet,
        tuple(changes),
        warnings=_above_contract(changes),
        reason_required=_reason_required(changes),
    )


def _reason_required(changes: list[ArrivalChange]) -> bool:
    """Whether a change falls in a month an issued campaign notice reports (one query)."""
    pending = [c for c in changes if c.status != "unchanged"]
    if not pending:
        return False
    covered = covered_arrival_months(
        {c.project.city_id for c in pending}, {c.year for c in pending}
    )
    return any(c.month <= covered.get((c.project.city_id, c.year), 0) for c in pending)


def _above_contract(changes: list[ArrivalChange]) -> tuple[str, ...]:
    """A warning for each project whose arrivals, once the file is written, would exceed its
    contracted FDI (one query: the stored totals of the file's projects)."""
    from django.db.models import Sum

    pending = [c for c in changes if c.status != "unchanged"]
    if not pending:
        return ()
    stored = dict(
        Arrival.objects.filter(project_id__in={c.project.pk for c in pending})
        .values("project_id")
        .annotate(total=Sum("amount_usd"))
        .order_by()
        .values_list("project_id", "total")
    )
    in_file: dict[int, list[ArrivalChange]] = defaultdict(list)
    for change in changes:
        in_file[change.project.pk].append(change)
    warnings = []
    for project_id, rows in in_file.items():
        project = rows[0].project
        replaced = sum((c.old_usd for c in rows if c.old_usd is not None), Decimal(0))
        new = sum((c.new_usd for c in rows[1:]), Decimal(0))
        before = stored.get(project_id, Decimal(0)) - replaced + new
        concerns = check_arrival(
            rows[0].new_usd, arrived_before_usd=before, contracted_usd=project.contracted_fdi_usd
        )
        if concerns and any(c.status != "unchanged" for c in rows):
            warnings.append(
                _("Rows %(rows)s, %(project)s: %(warning)s")
                % {
                    "rows": "、".join(str(c.row) for c in rows),
                    "project": project.name,
                    "warning": describe_concern(concerns[0]),
                }
            )
    return tuple(warnings)


def _resolve_project(
    row: DataRow, by_pk: dict[int, Project], by_name: dict[str, list[Project]]
) -> tuple[Project | None, str, str]:
    """The row's project, or None with the column and the message saying what to fix ("" when
    the reader already reported the cell)."""
    if row["number"] is not None:
        project = by_pk.get(row["number"])
        if project is None:
            return (
                None,
                "number",
                _("No project of yours has the number %(number)s") % {"number": row["number"]},
            )
        if row["name"] and name_key(row["name"]) != name_key(project.name):
            return (
                None,
                "name",
                _("Project %(number)s is called 「%(name)s」, not 「%(written)s」")
                % {
                    "number": project.pk,
                    "name": project.name,
                    "written": row["name"],
                },
            )
        return project, "", ""
    if not row["name"]:
        return None, "name", _("Write the project's name or its number")
    found = by_name.get(name_key(row["name"]), [])
    if len(found) == 1:
        return found[0], "", ""
    if found:
        return (
            None,
            "name",
            _("Several cities have a project called 「%(name)s」: write its 项目编号")
            % {"name": row["name"]},
        )
    return (
        None,
        "name",
        _("Unknown project 「%(name)s」: write the name exactly as the project list shows it")
        % {"name": row["name"]},
    )


def _stored_arrivals(
    project_ids: set[int], years: set[int], *, for_update: bool = False
) -> dict[tuple[int, int, int], Arrival]:
    queryset = Arrival.objects.filter(project_id__in=project_ids, year__in=years).order_by()
    if for_update:
        queryset = queryset.select_for_update()
    return {(a.project_id, a.year, a.month): a for a in queryset}


@transaction.atomic
def apply_arrivals_import(preview: Preview, *, reason: str = "") -> dict[str, int]:
    """Write every new and changed arrival of a previewed import, or nothing.

    Raises ValidationError when the preview has errors, when a change falls in a month an
    issued campaign notice reports and no ``reason`` is given (it is kept in the history), or
    when a stored arrival changed after the preview. Returns the counts of new, changed and
    unchanged rows."""
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    if (preview.reason_required or _reason_required(list(preview.pending))) and not reason.strip():
        raise ValidationError(
            _("A campaign notice reporting these months has been issued: give a reason.")
        )
    why = reason.strip() or str(_("Spreadsheet import"))
    project_ids = {c.project.pk for c in preview.changes}
    # The projects first, in one order: their arrived totals are counted again below, and a
    # concurrent write of their arrivals waits until this one is committed.
    written = Project.objects.filter(pk__in=project_ids).order_by("pk")
    list(written.select_for_update().values_list("pk", flat=True))
    stored = _stored_arrivals(project_ids, {c.year for c in preview.changes}, for_update=True)
    new, changed = [], []
    for change in preview.pending:
        arrival = stored.get((change.project.pk, change.year, change.month))
        if (arrival.amount_usd if arrival else None) != change.old_usd:
            raise ValidationError(
                _(
                    "The stored arrivals changed after the preview (row %(row)s, %(project)s): "
                    "upload the file again and check the changes."
                )
                % {"row": change.row, "project": change.project.name}
            )
        if arrival is None:
            new.append(
                Arrival(
                    project=change.project,
                    year=change.year,
                    month=change.month,
                    amount_usd=change.new_usd,
                )
            )
        else:
            arrival.amount_usd = change.new_usd
            changed.append(arrival)
    try:
        bulk_create_with_history(new, Arrival, batch_size=BATCH_SIZE, default_change_reason=why)
    except IntegrityError as error:  # someone entered one of these months meanwhile
        raise ValidationError(
            _("The stored arrivals changed after the preview: upload the file again.")
        ) from error
    # Each changed arrival keeps its old amount in its history (55 → 66万 leaves the 55).
    bulk_update_with_history(
        changed,
        Arrival,
        ["amount_usd"],
        batch_size=BATCH_SIZE,
        default_change_reason=why,
    )
    written.recount_arrivals()  # the bulk writes above do not go through Arrival.save
    return preview.counts
