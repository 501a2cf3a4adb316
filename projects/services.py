"""Writes that touch several rows: creating a project with its first stage, changing its stage
(validated and logged), arrivals, and the spreadsheet imports of arrivals and project lists
(preview → confirm, all or nothing)."""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from assessments.services import BATCH_SIZE, MAX_WAN, Status
from fdi_portal import spreadsheets
from fdi_portal.lib.money import wan_to_base
from fdi_portal.spreadsheets import CellError, Column, DataRow, ErrorCode, Kind, SheetSpec
from projects.models import STAGE_DATE_FIELDS, Arrival, Project, Stage, StageChange
from projects.rules import stage_date_errors

DATE_FIELDS: dict[str, str] = {**STAGE_DATE_FIELDS, Stage.CANCELLED: "cancelled_on"}

STAGE_MESSAGES = {
    "missing": _("This stage needs a date."),
    "before_previous": _("This date is earlier than an earlier stage's date."),
    "not_reached": _("The project has not reached this stage yet."),
}


def stage_dates(values: dict[str, Any] | Project) -> dict[str, dt.date | None]:
    """The stage dates of a project or of a form's cleaned data, keyed by stage code."""
    get = values.get if isinstance(values, dict) else lambda f: getattr(values, f)
    return {stage: get(field) for stage, field in DATE_FIELDS.items()}


def validate_stage(stage: str, dates: dict[str, dt.date | None]) -> None:
    """Raise a ValidationError keyed by the date fields for a stage that its dates contradict
    (no landing before signing; dates in pipeline order)."""
    errors = stage_date_errors(stage, dates)
    if errors:
        raise ValidationError(
            {DATE_FIELDS[code]: STAGE_MESSAGES[problem] for code, problem in errors.items()}
        )


@transaction.atomic
def create_project(*, project: Project, user: Any, today: dt.date) -> Project:
    """Save a new project and log its first stage (dated by its stage date, else ``today``)."""
    validate_stage(project.stage, stage_dates(project))
    project.stage_changed_on = project.date_of(project.stage) or today
    project.save()
    StageChange.objects.create(
        project=project,
        from_stage="",
        to_stage=project.stage,
        changed_on=project.stage_changed_on,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    return project


@transaction.atomic
def change_stage(*, project: Project, stage: str, on: dt.date, user: Any) -> StageChange:
    """Move ``project`` to ``stage`` on ``on``, set that stage's date and log the change.

    Moving back (e.g. a landing recorded by mistake) clears the dates of the stages after the
    new one. Raises ValidationError when the dates would contradict each other.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    if stage not in Stage.values:
        raise ValidationError({"stage": _("Unknown stage.")})
    dates = stage_dates(project)
    if stage in DATE_FIELDS:
        dates[stage] = on
    if stage != Stage.CANCELLED:
        # Moving to a stage clears the cancellation and the dates of the stages after it.
        dated = list(STAGE_DATE_FIELDS)
        after = dated[dated.index(stage) + 1 :] if stage in dated else dated
        for code in [Stage.CANCELLED, *after]:
            dates[code] = None
    validate_stage(stage, dates)
    change = StageChange.objects.create(
        project=project,
        from_stage=project.stage,
        to_stage=stage,
        changed_on=on,
        changed_by=user if getattr(user, "is_authenticated", False) else None,
    )
    for code, field in DATE_FIELDS.items():
        setattr(project, field, dates[code])
    project.stage = stage
    project.stage_changed_on = on
    project.save()
    return change


# --------------------------------------------------------------------------- arrivals


@transaction.atomic
def set_arrival(*, project: Project, year: int, month: int, amount_usd: Decimal | None) -> None:
    """Set (or, with None, remove) a project's arrived FDI for one month, in USD."""
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("A month is a number from 1 to 12.")})
    if amount_usd is None:
        Arrival.objects.filter(project=project, year=year, month=month).delete()
        return
    if amount_usd < 0:
        raise ValidationError({"amount_wan": _("An amount cannot be negative.")})
    Arrival.objects.update_or_create(
        project=project, year=year, month=month, defaults={"amount_usd": amount_usd}
    )


#: 项目名称 or 项目编号 (the project's number in the portal, shown on its page) names the project.
ARRIVALS = SheetSpec(
    columns=(
        Column("name", ("项目名称", "项目"), Kind.TEXT, required=False),
        Column("number", ("项目编号",), Kind.INT, required=False),
        Column("year", ("年份", "年度"), Kind.YEAR),
        Column("month", ("月份",), Kind.MONTH),
        Column("amount", ("到位外资（万美元）", "实际到位外资（万美元）", "到位外资"), Kind.DECIMAL),
    )
)


@dataclass(frozen=True)
class ArrivalChange:
    """One row of an arrivals import: a project's arrived FDI for a month, stored and new."""

    row: int
    project: Project
    year: int
    month: int
    old_usd: Decimal | None
    new_usd: Decimal

    @property
    def status(self) -> Status:
        if self.old_usd is None:
            return "new"
        return "unchanged" if self.old_usd == self.new_usd else "changed"

    @property
    def key(self) -> str:
        return f"{self.project.pk},{self.year},{self.month},{self.old_usd},{self.new_usd}"


@dataclass(frozen=True)
class Preview:
    """What an import of this app would do, row by row, or why it cannot be done.

    ``errors`` are rendered for people (「工作表"Sheet1" 第7行 A列〈项目名称〉：…」), file-level
    first, then in row and column order; when there is any, ``changes`` is empty.
    """

    kind: Literal["arrivals", "projects"]
    sheet: str
    changes: tuple[Any, ...]
    errors: tuple[str, ...] = ()
    problems: tuple[CellError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(change.status for change in self.changes)
        return {status: counted.get(status, 0) for status in ("new", "changed", "unchanged")}

    @property
    def pending(self) -> list[Any]:
        return [change for change in self.changes if change.status != "unchanged"]

    def fingerprint(self) -> str:
        """Identifies exactly what confirming will write (see assessments' ImportPreview)."""
        text = "|".join(change.key for change in self.pending)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def _failed(kind: Literal["arrivals", "projects"], sheet: str, errors: list[CellError]) -> Preview:
    ordered = sorted(errors, key=lambda e: (e.row or 0, len(e.column or ""), e.column or ""))
    return Preview(kind, sheet, (), tuple(str(e) for e in ordered), tuple(ordered))


def _name_key(written: str | None) -> str:
    """「东盟 粮油（一期）」 and 「东盟粮油(一期)」 are the same name."""
    return "".join(unicodedata.normalize("NFKC", written or "").split())


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
        return _failed("arrivals", result.sheet, errors)
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
        return _failed("arrivals", result.sheet, errors)
    errors += spreadsheets.check_totals(result)
    candidates = list(projects.order_by().only("pk", "name", "city_id"))
    by_pk = {p.pk: p for p in candidates}
    by_name: dict[str, list[Project]] = defaultdict(list)
    for p in candidates:
        by_name[_name_key(p.name)].append(p)
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
        lambda row: (resolved[row.row].pk, row["year"], row["month"])
        if row.row in resolved and row["year"] and row["month"]
        else None,
        reason=_("the same project and month can have only one arrival"),
    )
    if errors:
        return _failed("arrivals", result.sheet, errors)
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
    return Preview("arrivals", result.sheet, tuple(changes))


def _resolve_project(
    row: DataRow, by_pk: dict[int, Project], by_name: dict[str, list[Project]]
) -> tuple[Project | None, str, str]:
    """The row's project, or None with the column and the message saying what to fix ("" when
    the reader already reported the cell)."""
    if row["number"] is not None:
        project = by_pk.get(row["number"])
        if project is None:
            return None, "number", _("No project of yours has the number %(number)s") % {
                "number": row["number"]
            }
        if row["name"] and _name_key(row["name"]) != _name_key(project.name):
            return None, "name", _("Project %(number)s is called 「%(name)s」, not 「%(written)s」") % {
                "number": project.pk,
                "name": project.name,
                "written": row["name"],
            }
        return project, "", ""
    if not row["name"]:
        return None, "name", _("Write the project's name or its number")
    found = by_name.get(_name_key(row["name"]), [])
    if len(found) == 1:
        return found[0], "", ""
    if found:
        return None, "name", _(
            "Several cities have a project called 「%(name)s」: write its 项目编号"
        ) % {"name": row["name"]}
    return None, "name", _(
        "Unknown project 「%(name)s」: write the name exactly as the project list shows it"
    ) % {"name": row["name"]}


def _stored_arrivals(
    project_ids: set[int], years: set[int], *, for_update: bool = False
) -> dict[tuple[int, int, int], Arrival]:
    queryset = Arrival.objects.filter(project_id__in=project_ids, year__in=years).order_by()
    if for_update:
        queryset = queryset.select_for_update()
    return {(a.project_id, a.year, a.month): a for a in queryset}


@transaction.atomic
def apply_arrivals_import(preview: Preview) -> dict[str, int]:
    """Write every new and changed arrival of a previewed import, or nothing.

    Raises ValidationError when the preview has errors or a stored arrival changed after the
    preview. Returns the counts of new, changed and unchanged rows."""
    if not preview.ok:
        raise ValidationError(list(preview.errors))
    stored = _stored_arrivals(
        {c.project.pk for c in preview.changes}, {c.year for c in preview.changes}, for_update=True
    )
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
        Arrival.objects.bulk_create(new, batch_size=BATCH_SIZE)
    except IntegrityError as error:  # someone entered one of these months meanwhile
        raise ValidationError(
            _("The stored arrivals changed after the preview: upload the file again.")
        ) from error
    Arrival.objects.bulk_update(changed, ["amount_usd"], batch_size=BATCH_SIZE)
    return preview.counts
