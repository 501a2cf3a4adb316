"""Writes of the tasks app: importing a plan document, filing a progress report.

Carrying a plan forward is ``tasks.carry_forward``, revising it ``tasks.plan_revision``; both
store rows with the helpers here (:func:`with_history`, :func:`log_import`).

:func:`preview_plan` reads a document (one query for the city's name index) and says what an
import would store; :func:`import_plan` stores it, all or nothing. The web import and the
``import_plan`` command both go through them, so a preview always equals the import.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from fdi_portal.lib.money import written_to_base
from fdi_portal.lib.names import normalise_name
from fdi_portal.lib.text import clean_text
from fdi_portal.models import City, Department
from tasks import progress
from tasks.models import Assignment, Goal, Plan, ProgressReport, Task
from tasks.plan_text import (
    ParsedGoal,
    ParsedPlan,
    ParsedTask,
    ParseWarning,
    deadline_date,
    is_collective_unit,
    parse_plan,
)
from tasks.signals import first_answer, goals_proposed, goals_stored, plan_created

#: A department chosen by hand for a written name the registry did not know.
Corrections = Mapping[str, Department]
#: The lead chosen by hand in the preview: a task's order → the name of one of its units.
Leads = Mapping[int, str]

_DATE_LINE_RE = re.compile(r"^\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*$", re.MULTILINE)
_YEAR_IN_TITLE_RE = re.compile(r"^(\d{4})年")
# A multi-year plan's span in its title: 2021—2023年, 2021-2023年, 2021至2023年.
_SPAN_IN_TITLE_RE = re.compile(r"(\d{4})\s*(?:年\s*)?[—–\-－~～至到]\s*(\d{4})\s*年")

# Goal metrics the assessments compute, recognised by words of the goal's subject. The first
# match wins; a goal none of them matches is kept with the code "custom". The assessments read
# these codes: keep them stable.
_METRICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("utilised_fdi_growth", ("实际利用外资", "增长")),
    ("utilised_fdi_growth", ("实际使用外资", "增长")),
    ("landed_arrival_share", ("到位外资", "占")),
    ("campaign_landing_rate", ("落地率",)),
    ("campaign_new_projects", ("签约", "项目")),
    ("utilised_fdi_usd", ("实际利用外资",)),
    ("utilised_fdi_usd", ("实际使用外资",)),
)
# A total over several years (三年…累计超过35亿美元) is not a year's utilised-FDI target.
_NOT_ANNUAL = ("累计", "年均")
#: The codes staff may choose in the import preview, with what they measure.
METRIC_CHOICES: tuple[tuple[str, Any], ...] = (
    ("utilised_fdi_usd", gettext_lazy("Utilised FDI (amount)")),
    ("utilised_fdi_growth", gettext_lazy("Utilised FDI, growth on last year")),
    ("campaign_new_projects", gettext_lazy("New projects signed in a campaign")),
    ("campaign_landing_rate", gettext_lazy("Landing rate of signed projects")),
    ("landed_arrival_share", gettext_lazy("Arrivals of landed projects, share of utilised FDI")),
    ("custom", gettext_lazy("Other (shown only)")),
)


@dataclass(frozen=True)
class UnitRow:
    """One unit of a task as the import would store it."""

    role: str
    name: str  # the registry's full name, the collective unit, or the name as written
    department: Department | None
    collective: bool
    unresolved: bool
    note: str = ""  # 包括各开发区管委会，下同


@dataclass(frozen=True)
class TaskRow:
    parsed: ParsedTask
    units: tuple[UnitRow, ...]
    deadline_on: dt.date | None = None  # the date of the 完成时限 words, in the plan's year

    def named(self, role: str) -> list[str]:
        return [unit.name for unit in self.units if unit.role == role]

    @property
    def number(self) -> str:
        """The task's number as the table prints it: 二、（四）二是."""
        from tasks.selectors import label_number

        return label_number(self.parsed.path)

    @property
    def has_unresolved(self) -> bool:
        return any(unit.unresolved for unit in self.units)


@dataclass(frozen=True)
class GoalDraft:
    """A goal as the preview shows it and staff may correct it: the value in the unit written
    (7000 万美元); :func:`import_plan` stores money in base units."""

    text: str
    subject: str
    metric: str
    target_value: Decimal | None
    unit: str
    qualifier: str = ""


@dataclass(frozen=True)
class QuotaDraft:
    """A quota of a task (不少于4次, 力争22亿元) as the preview shows it; ``task_order`` is the
    task's position in the document (:attr:`ParsedTask.order`)."""

    task_order: int
    text: str
    quantity: int | Decimal
    unit: str
    period: str = ""
    applies_to: str = ""
    comparator: str = ""


@dataclass(frozen=True)
class PlanPreview:
    """What :func:`import_plan` stores (or, with ``dry_run``, would store)."""

    parsed: ParsedPlan
    title: str
    year: int | None
    issued_on: dt.date | None
    tasks: list[TaskRow]
    issuing_units: list[Department]
    warnings: list[ParseWarning]
    unresolved_names: list[str] = field(default_factory=list)
    plan: Plan | None = None
    goals: list[GoalDraft] = field(default_factory=list)
    first_year: int | None = None  # a multi-year plan's span, from its title
    last_year: int | None = None
    quotas: list[QuotaDraft] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The shape ``import_plan --format json`` prints (:func:`plan_json`)."""
        return plan_json(self.parsed, self.warnings)


def plan_json(parsed: ParsedPlan, warnings: list[ParseWarning] | None = None) -> dict[str, Any]:
    """The JSON form of a parsed plan: tasks with units by role, goals, warnings."""
    return {
        "tasks": [
            {
                "path": list(task.path),
                "label": task.label,
                "title": task.title,
                "lead": list(task.lead),
                "support": list(task.support),
                "shared": list(task.shared),
                "requirements": [_requirement_json(r) for r in task.requirements],
                "deadline": task.deadline,
                "notes": dict(task.notes),
                "lead_rule": task.lead_rule,
                "lead_rule_line": task.lead_rule_line,
            }
            for task in parsed.tasks
        ],
        "goals": [
            {
                "text": goal.text,
                "metric": goal.metric,
                "target_value": None if goal.target_value is None else str(goal.target_value),
                "unit": goal.unit,
                "qualifier": goal.qualifier,
            }
            for goal in parsed.goals
        ],
        "warnings": [
            {"line": w.line, "code": w.code, "message": w.message, "fragment": w.fragment}
            for w in (parsed.warnings if warnings is None else warnings)
        ],
    }


def _requirement_json(requirement: Any) -> dict[str, Any]:
    """A requirement or quota as stored in ``Task.requirements``: counts and whole amounts are
    JSON numbers (the events page reads 次 quotas as ints), fractions decimal strings."""
    quantity = requirement.quantity
    if isinstance(quantity, Decimal):
        quantity = int(quantity) if quantity == quantity.to_integral_value() else str(quantity)
    data = {
        "text": requirement.text,
        "quantity": quantity,
        "unit": requirement.unit,
        "period": requirement.period,
        "applies_to": requirement.applies_to,
    }
    if requirement.comparator:
        data["comparator"] = requirement.comparator
    return data


def metric_code(subject: str) -> str:
    """The assessments' code of a goal whose subject is ``subject`` (words as written)."""
    for code, words in _METRICS:
        if all(word in subject for word in words):
            if code == "utilised_fdi_usd" and any(word in subject for word in _NOT_ANNUAL):
                continue
            return code
    return "custom"


# Where a document names its own place: its letterhead or signature (湖州市人民政府办公室), else
# the start of its title (2021年防城港市…方案).
_PLACE_RE = re.compile(
    r"^(?:\d{4}年)?(?:中共)?(?P<place>[\u4e00-\u9fff]{2,6}?(?:自治州|市|盟|地区))"
)
# Units of another level than a city's: 省发展改革委, 国家…, 中国人民银行…, …海关.
_OTHER_LEVEL_RE = re.compile(r"^(?:国家|国务院|中央|中共中央|省|自治区|中国|人民银行|驻)|海关$")
#: How many names a summary warning lists before 「等」.
_NAMES_LISTED = 8


def _document_place(parsed: ParsedPlan) -> str:
    """The city a document is of, as it names itself (「湖州市」), or ""."""
    for written in [*parsed.issuing_units, parsed.title]:
        match = _PLACE_RE.match(written)
        if match:
            return match.group("place")
    return ""


def _same_place(place: str, city_name: str) -> bool:
    stem = re.sub("(?:自治州|市|盟|地区)$", "", city_name)
    return bool(stem) and stem in place


def _unknown_units_first(
    parsed: ParsedPlan, city: City, unresolved: list[str]
) -> tuple[list[ParseWarning], list[str]]:
    """The warnings with units of elsewhere summed up, and the unknown names, own city first.

    Units the registry of ``city`` does not know are warned one by one only when they may be
    the city's own. When the document names another city as its own (「湖州市人民政府办公室」
    imported for 防城港市; a region of the city, such as 东兴市 of 防城港市, is the city's own:
    one query, only then), all its unknown units are that city's; units of another level
    (省…, 国家…, …海关) are never the city's. Each group is one warning at the end, so what is
    really unknown, and what the parser could not read, stays in sight."""
    place = _document_place(parsed)
    elsewhere_city = (
        bool(place)
        and bool(unresolved)
        and not _same_place(place, city.name)
        and not city.regions.filter(name=place).exists()
    )
    elsewhere = [name for name in unresolved if elsewhere_city or _OTHER_LEVEL_RE.search(name)]
    other = set(elsewhere)
    warnings = [
        w for w in parsed.warnings if not (w.code == "unknown_unit" and w.fragment in other)
    ]
    if elsewhere:
        listed = "、".join(elsewhere[:_NAMES_LISTED]) + (
            "等" if len(elsewhere) > _NAMES_LISTED else ""
        )
        if elsewhere_city:
            message = (
                f"文件属于{place}，而导入的是{city.name}：{len(elsewhere)}个单位不在"
                f"{city.name}的单位名录中，未逐一列出（{listed}）"
            )
        else:
            message = (
                f"{len(elsewhere)}个单位属于上级或其他地区，不在{city.name}的单位名录中，"
                f"未逐一列出（{listed}）"
            )
        warnings.append(ParseWarning(0, "units_elsewhere", message, listed))
    own = [name for name in unresolved if name not in other]
    return warnings, own + elsewhere


def with_lead(units: Sequence[UnitRow], lead: str) -> list[UnitRow]:
    """A task's units with ``lead`` (one of their names) chosen by hand as its lead: the other
    units that led or shared support it. A name the task does not have changes nothing."""
    if lead not in {unit.name for unit in units}:
        return list(units)
    return [
        replace(unit, role="lead" if unit.name == lead else "support")
        if unit.role in ("lead", "shared") or unit.name == lead
        else unit
        for unit in units
    ]


def preview_plan(
    *,
    city: City,
    text: str,
    title: str | None = None,
    corrections: Corrections | None = None,
    leads: Leads | None = None,
) -> PlanPreview:
    """Parse ``text`` against ``city``'s registry (one query; a second when a document naming
    another place has unknown units) without writing anything.

    Every unit is resolved through :meth:`DepartmentQuerySet.name_index`; ``corrections`` maps a
    written name the registry does not know to the department staff chose for it. Collective
    units stay whole; names still unknown are kept as written and warned, never guessed.
    """
    # Control characters out whatever the caller (fdi_portal.lib.text; the fuzzed importer
    # passes raw text, as a script calling the service would).
    text = clean_text(text)
    corrections = corrections or {}
    index = Department.objects.name_index(city)
    by_name = {d.name: d for d in index.values()} | {d.name: d for d in corrections.values()}

    def resolve(name: str) -> str | None:
        if name in corrections:
            return corrections[name].name
        department = index.get(normalise_name(name))
        if department is not None:
            return department.name
        return name if is_collective_unit(name) else None

    parsed = parse_plan(text, resolve=resolve)
    final_title = normalise_name(title or "") or parsed.title
    year_match = _YEAR_IN_TITLE_RE.match(final_title)
    year = int(year_match.group(1)) if year_match else None
    span = _SPAN_IN_TITLE_RE.search(final_title)
    first_year, last_year = (int(span.group(1)), int(span.group(2))) if span else (None, None)
    if first_year is not None and (year is not None or first_year > last_year):
        first_year = last_year = None
    issued_on = _issued_on(text)
    # 「年底前」 means the end of the year the plan covers, else of the year it was issued.
    deadline_year = year or (issued_on.year if issued_on else None)
    rows: list[TaskRow] = []
    unresolved: dict[str, None] = {}
    for task in parsed.tasks:
        units: list[UnitRow] = []
        for role, names in (
            ("lead", task.lead),
            ("support", task.support),
            ("shared", task.shared),
        ):
            for name in names:
                department = by_name.get(name)
                collective = department is None and is_collective_unit(name)
                if department is None and not collective:
                    unresolved[name] = None
                units.append(
                    UnitRow(
                        role,
                        name,
                        department,
                        collective,
                        department is None and not collective,
                        task.note_of(name),
                    )
                )
        if leads and task.order in leads:
            units = with_lead(units, leads[task.order])
        rows.append(TaskRow(task, tuple(units), deadline_date(task.deadline, deadline_year)))

    warnings, unresolved_list = _unknown_units_first(parsed, city, list(unresolved))
    issuing: list[Department] = []
    for written in parsed.issuing_units:
        department = index.get(normalise_name(written))
        if department is None:
            warnings.append(
                ParseWarning(
                    0,
                    "unknown_issuing_unit",
                    f"发文单位“{written}”不在单位名录中，未记入方案",
                    written,
                )
            )
        elif department not in issuing:
            issuing.append(department)
    warnings.sort(key=lambda w: w.code == "units_elsewhere")  # the summary last

    return PlanPreview(
        parsed=parsed,
        title=final_title,
        year=year,
        issued_on=issued_on,
        first_year=first_year,
        last_year=last_year,
        tasks=rows,
        issuing_units=issuing,
        warnings=warnings,
        unresolved_names=unresolved_list,
        goals=[
            GoalDraft(
                text=goal.text,
                subject=goal.metric,
                metric=metric_code(goal.metric),
                target_value=goal.target_value,
                unit=goal.unit,
                qualifier=goal.qualifier,
            )
            for goal in parsed.goals
        ],
        quotas=[
            QuotaDraft(
                task_order=task.order,
                text=r.text,
                quantity=r.quantity,
                unit=r.unit,
                period=r.period,
                applies_to=r.applies_to,
                comparator=r.comparator,
            )
            for task in parsed.tasks
            for r in task.requirements
        ],
    )


def _issued_on(text: str) -> dt.date | None:
    """The first date written alone on a line (the signature date), if any."""
    for match in _DATE_LINE_RE.finditer(text):
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            continue
    return None


def plan_city_target(city: City, preview: PlanPreview) -> Any:
    """What importing ``preview`` would set as its year's city target, beside what is stored
    (the import page asks to confirm a replacement); None when it sets none."""
    goals = [SimpleNamespace(**goal_fields(goal)) for goal in preview.goals]
    return first_answer(goals_proposed, city=city, year=preview.year, goals=goals)


def goal_fields(goal: ParsedGoal | GoalDraft) -> dict[str, Any]:
    """The Goal columns of a parsed or corrected goal: a metric code, the target in base units
    as every amount of the portal (7000 万美元 → 70 000 000 美元)."""
    if isinstance(goal, ParsedGoal):
        subject, metric = goal.metric, metric_code(goal.metric)
    else:
        subject, metric = goal.subject, goal.metric
    value, unit = goal.target_value, goal.unit
    value, unit = written_to_base(value, unit)
    return {
        "text": goal.text,
        "subject": subject[:200],
        "metric": metric,
        "target_value": value,
        "unit": unit,
        "qualifier": goal.qualifier[:20],
    }


def store_goals(
    plan: Plan, goals: Sequence[ParsedGoal | GoalDraft], *, user: Any, replace_city_target: bool
) -> list[Goal]:
    """Store ``goals`` as ``plan``'s, in order, with their history, and tell the apps above
    (``tasks.signals.goals_stored``: the year's city target), which may refuse the write."""
    stored = with_history(
        [
            Goal(plan=plan, order=order, **goal_fields(goal))
            for order, goal in enumerate(goals, start=1)
        ],
        user,
    )
    goals_stored.send(
        sender=None,
        city=plan.city,
        year=plan.year,
        goals=stored,
        user=user,
        replace=replace_city_target,
        reason="",
    )
    return stored


def storable_preview(
    *,
    city: City,
    text: str,
    title: str | None,
    corrections: Corrections | None,
    leads: Leads | None,
    goals: Sequence[GoalDraft] | None,
    quotas: Sequence[QuotaDraft] | None,
    revising: Plan | None = None,
) -> PlanPreview:
    """The preview an import (or the revision of ``revising``) stores: the text read, with
    the goals and quotas staff corrected in place of the parser's. ValidationError when it
    has no numbered item, no title or too long a title, or another plan of the city has its
    title."""
    preview = preview_plan(city=city, text=text, title=title, corrections=corrections, leads=leads)
    if goals is not None or quotas is not None:
        preview = replace(
            preview,
            goals=list(preview.goals if goals is None else goals),
            quotas=list(preview.quotas if quotas is None else quotas),
        )
    if not preview.tasks:
        raise ValidationError(_("No numbered item (一、 （一） 1. …) was found in the text."))
    if not preview.title:
        raise ValidationError(_("The document has no title; give one."))
    if len(preview.title) > Plan._meta.get_field("title").max_length:
        raise ValidationError(_("The title is too long; give a shorter one."))
    others = Plan.objects.filter(city=city, title=preview.title)
    if revising is not None:
        others = others.exclude(pk=revising.pk)
    if others.exists():
        raise ValidationError(
            _("%(city)s already has a plan titled “%(title)s”.")
            % {"city": city.name, "title": preview.title}
        )
    return preview


@transaction.atomic
def import_plan(
    *,
    city: City,
    text: str,
    title: str | None = None,
    dry_run: bool = False,
    corrections: Corrections | None = None,
    leads: Leads | None = None,
    goals: Sequence[GoalDraft] | None = None,
    quotas: Sequence[QuotaDraft] | None = None,
    user: Any = None,
    replace_city_target: bool = False,
) -> PlanPreview:
    """Store the plan that ``text`` describes in ``city``: goals, the task tree, assignments.

    The plan's utilised-FDI goals (amount, growth) set its year's city target — the one record
    the grid, the notices and the goals page use. When a different target is stored, the import
    is refused (``ValidationError``) unless ``replace_city_target`` confirms the replacement.

    ``goals`` and ``quotas``, when given, are the preview's goals and quotas as staff corrected
    them; they replace what the parser read. All or nothing. Raises ValidationError when the
    text has no numbered item or no title, or when the city already has a plan of that title.
    With ``dry_run`` nothing is written and the preview is returned; otherwise the preview's
    ``plan`` is the new Plan.
    """
    text = clean_text(text)
    preview = storable_preview(
        city=city,
        text=text,
        title=title,
        corrections=corrections,
        leads=leads,
        goals=goals,
        quotas=quotas,
    )
    refuse_second_annual_plan(city, preview.year)
    if dry_run:
        return preview

    parsed = preview.parsed
    plan = Plan.objects.create(
        city=city,
        title=preview.title,
        document_number=parsed.document_number,
        issued_on=preview.issued_on,
        year=preview.year,
        first_year=preview.first_year,
        last_year=preview.last_year,
        source_text=text,
    )
    plan.issuing_units.set(preview.issuing_units)
    store_goals(plan, preview.goals, user=user, replace_city_target=replace_city_target)
    quotas_of: dict[int, list[QuotaDraft]] = defaultdict(list)
    for quota in preview.quotas:
        quotas_of[quota.task_order].append(quota)
    by_path: dict[tuple[str, ...], Task] = {}
    assignments: list[Assignment] = []
    for row in preview.tasks:
        task = row.parsed
        # Saved one by one: a child needs its parent's primary key (a few dozen rows).
        node = Task.objects.create(
            plan=plan,
            parent=by_path.get(task.parent_path),
            **task_fields(row, quotas_of[task.order]),
        )
        by_path[task.path] = node
        assignments += assignments_of(node, row)
    with_history(assignments, user)
    plan_created.send(sender=None, plan=plan, copied_from=None, quotas=preview.quotas)
    log_import(_("Plan import: %(title)s"), plan, text, user)
    return PlanPreview(**{**preview.__dict__, "plan": plan})


def assignments_of(node: Task, row: TaskRow) -> list[Assignment]:
    """The unsaved assignments of ``row``'s units to the stored task ``node``. A unit named
    twice in one task (lead in one sentence, supporting in the next: 〔各县（市、区）人民政府
    牵头〕 … 〔…，各县（市、区）人民政府分别按职责分工推进〕) is assigned once, in its first
    role: the task's units are unique (found by the fuzzed importer, tests/core)."""
    seen: set[tuple[str, Any]] = set()
    units = []
    for unit in row.units:
        key = ("department", unit.department.pk) if unit.department else ("collective", unit.name)
        if key not in seen:
            seen.add(key)
            units.append(unit)
    return [
        Assignment(
            task=node,
            role=unit.role,
            department=unit.department,
            collective="" if unit.department else unit.name,
            written_name=unit.name[:80],
            note=row.parsed.note_of(unit.name)[:200],
            unresolved=unit.unresolved,
            order=order,
        )
        for order, unit in enumerate(units)
    ]


def task_fields(row: TaskRow, quotas: Sequence[QuotaDraft]) -> dict[str, Any]:
    """The Task columns of a parsed row (its quotas as staff kept them)."""
    task = row.parsed
    return {
        "order": task.order,
        "label": task.label,
        "title": task.title[:200],
        "text": task.text,
        "requirements": [_requirement_json(q) for q in quotas],
        "deadline": task.deadline[:60],
        "deadline_on": row.deadline_on,
    }


@transaction.atomic
def submit_report(
    *,
    task: Task,
    department: Department,
    year: int,
    quarter: int,
    status: str,
    narrative: str,
    user: Any,
    today: dt.date,
) -> ProgressReport:
    """File (or replace) ``department``'s report on ``task`` for a quarter.

    Raises ValidationError unless the department leads, supports or shares the task, and unless
    the quarter is one of the plan's years, not before the plan was issued, and begun by
    ``today`` (no 2027 Q3 against the 2021 plan).
    """
    if not task.assignments.filter(department=department).exists():
        raise ValidationError(_("Your unit has no part in this task."))
    plan = task.plan
    problem = progress.period_problem(
        start_year=plan.start_year,
        end_year=plan.end_year,
        issued_on=plan.issued_on,
        year=year,
        quarter=quarter,
        today=today,
    )
    if problem:
        raise ValidationError(problem)
    report, _created = ProgressReport.objects.update_or_create(
        task=task,
        department=department,
        year=year,
        quarter=quarter,
        defaults={"status": status, "narrative": narrative, "submitted_by": user},
    )
    return report


def refuse_second_annual_plan(city: City, year: int | None, exclude: Plan | None = None) -> None:
    """ValidationError when ``city`` already has an annual plan of ``year`` (one plan governs a
    year; the database holds the same rule)."""
    if year is None:
        return
    others = Plan.objects.filter(city=city, year=year)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise ValidationError(
            _("%(city)s already has a plan for %(year)s.") % {"city": city.name, "year": year}
        )


def with_history(rows: list, user: Any) -> list:
    """Insert ``rows`` of one model in bulk, with a history row each naming ``user`` (a plain
    bulk_create writes none: the audit page would not show who created them)."""
    if not rows:
        return []
    author = user if getattr(user, "is_authenticated", False) else None
    return bulk_create_with_history(rows, type(rows[0]), default_user=author)


def log_import(action: str, plan: Plan, text: str, user: Any) -> None:
    """The audit log's entry for a plan stored from a document: who, when, its SHA-256."""
    from fdi_portal.audit import record_event, sha256_of
    from fdi_portal.models import AuditEvent

    record_event(
        kind=AuditEvent.Kind.IMPORT,
        user=user,
        city=plan.city,
        action=action % {"title": plan.title},
        sha256=sha256_of(text),
    )
