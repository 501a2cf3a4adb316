"""What each supervision page shows, one function per page: the issued (frozen) version when
there is one, else the draft on the figures as they stand. Views and management commands call
the same function, so a page, its export and its command never disagree. Loading is in
``loaders``, arithmetic in ``calculations`` and ``scoring``, words in ``prose``. The home pages
and dashboards that combine these with plans and projects are built in ``dashboards.pages``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from assessments import calculations as calc
from assessments import loaders, prose, schemes, scoring, snapshots
from assessments.models import (
    AnnualAssessment,
    CityTarget,
    FigureSubmission,
    Interview,
    MonthlyFigure,
    Notice,
    PeriodLock,
    RegionTarget,
)
from assessments.snapshots import NoticeReport
from fdi_portal.cache import shared
from fdi_portal.lib.money import goal_ratio
from fdi_portal.models import City, Region

if TYPE_CHECKING:
    from tasks.models import Plan


class NotIssued(Exception):
    """The page exists only as a draft, and the reader may not see drafts."""


# ------------------------------------------------------------------------------------------
# The monthly notice (月通报) and the rankings drawn from it
# ------------------------------------------------------------------------------------------


def draft_report(city: City, year: int, month: int) -> NoticeReport:
    """The notice of ``month`` as the stored figures give it now. Five queries."""
    return _report(loaders.notice_inputs(city, year, month))


def _report(inputs: loaders.NoticeInputs) -> NoticeReport:
    return snapshots.notice_report(
        inputs.compute(),
        city_code=inputs.city.admin_code,
        city_name=inputs.city.name,
        schedule_label=inputs.schedule.label,
    )


def draft_snapshot(city: City, year: int, month: int) -> dict:
    """What issuing the notice of ``month`` now would freeze."""
    return snapshots.notice_snapshot(draft_report(city, year, month))


@dataclass(frozen=True)
class NoticePage:
    notice: Notice | None  # None: a draft
    report: NoticeReport
    revisions: list[snapshots.Revision]
    #: The year-end estimate (预计) on the figures as they stand: shown beside the notice,
    #: never frozen into it.
    outlook: YearEndOutlook | None = None

    @property
    def snapshot(self) -> dict:
        """The frozen snapshot, or the one issuing the draft would freeze."""
        if self.notice is not None:
            return self.notice.snapshot
        return snapshots.notice_snapshot(self.report)

    @property
    def title(self) -> str:
        return prose.notice_title(self.report)

    @property
    def summary(self) -> str:
        return prose.notice_summary(self.report)

    @property
    def interview_sentence(self) -> str:
        return prose.interview_sentence(self.report)

    @property
    def quarter(self) -> int | None:
        return self.report.month // 3 if self.report.month % 3 == 0 else None


def notice_page(city: City, year: int, month: int, *, drafts: bool) -> NoticePage:
    """The issued notice of ``month`` with the revisions made since, or — when ``drafts`` —
    the draft. ``NotIssued`` otherwise."""
    issued = (
        Notice.objects.issued()
        .filter(city=city, kind=Notice.Kind.MONTHLY, year=year, month=month)
        .select_related("issued_by")
        .first()
    )
    if issued is None and not drafts:
        raise NotIssued
    inputs = loaders.notice_inputs(city, year, month)
    live = _report(inputs)
    outlook = outlook_from(inputs)
    if issued is None:
        return NoticePage(None, live, [], outlook)
    return NoticePage(
        issued,
        snapshots.report_from_snapshot(issued.snapshot),
        snapshots.notice_revisions(issued.snapshot, snapshots.notice_snapshot(live)),
        outlook,
    )


def current_ranking(city: City) -> NoticeReport | None:
    """The ranking as the figures stand: the latest month any region reported (home pages and
    the notices list say it is not an issued notice). Six queries."""
    period = loaders.latest_period(city)
    return draft_report(city, *period) if period else None


# ------------------------------------------------------------------------------------------
# The quarterly review (季约谈)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InterviewLine:
    case: snapshots.InterviewCase
    reason: str


@dataclass(frozen=True)
class QuarterlyReview:
    year: int
    quarter: int
    page: NoticePage
    cases: list[InterviewLine]
    campaigns: list = field(default_factory=list)
    #: The quarter's interview records (date held, participants, notes), region order.
    interviews: list[Interview] = field(default_factory=list)

    @property
    def month(self) -> int:
        return self.quarter * 3

    @property
    def number(self) -> str:
        """〔2026〕第3期: the reviews are numbered by quarter, a series of their own (the
        quarter-end notice has its own number among the monthly notices). '' before that
        notice is issued: a draft has no number."""
        if self.page.notice is None:
            return ""
        return f"〔{self.year}〕第{self.quarter}期"


def quarterly_review(city: City, year: int, quarter: int, *, drafts: bool) -> QuarterlyReview:
    """The regions to interview, decided on the issued quarter-end notice (for staff,
    provisionally on the figures as they stand), each with its reason in words, and the
    quarter's campaign figures."""
    page = notice_page(city, year, quarter * 3, drafts=drafts)
    return QuarterlyReview(
        year=year,
        quarter=quarter,
        page=page,
        cases=[
            InterviewLine(case, prose.interview_reason(case)) for case in page.report.interviewees
        ],
        campaigns=loaders.campaign_figures(city, year, quarter * 3),
        interviews=list(
            Interview.objects.filter(city=city, year=year, quarter=quarter).select_related(
                "region", "recorded_by"
            )
        ),
    )


def quarterly_review_json(city: City, review: QuarterlyReview) -> dict:
    """The documented JSON of ``quarterly_review``."""
    return {
        "city": city.admin_code,
        "year": review.year,
        "quarter": review.quarter,
        "issued": review.page.notice is not None,
        "decision": review.page.report.interview_code,
        "interviews": [
            {
                "code": line.case.code,
                "name": line.case.name,
                "completion": calc.quantize_ratio(line.case.completion),
                "rank": line.case.rank,
                "reason": line.reason,
            }
            for line in review.cases
        ],
        "campaigns": [
            {
                "campaign": row.campaign,
                "region": row.region,
                "signed": row.signed,
                "landed": row.landed,
                "landing_rate": calc.quantize_ratio(row.landing_rate),
                "contracted_fdi_usd": calc.quantize_usd(row.contracted_fdi_usd),
                "arrived_fdi_usd": calc.quantize_usd(row.arrived_fdi_usd),
                "arrival_rate": calc.quantize_ratio(row.arrival_rate),
            }
            for row in review.campaigns
        ],
    }


# ------------------------------------------------------------------------------------------
# The annual assessment (年考评)
# ------------------------------------------------------------------------------------------


def stored_scheme(plan: Plan | None) -> Any:
    """The plan's stored scoring scheme row, or None (no query: selected with the plan)."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return plan.scoring_scheme if plan is not None else None
    except ObjectDoesNotExist:
        return None


def score(city: City, year: int, scheme: dict | None = None) -> dict | None:
    """The annual assessment of ``city`` for ``year`` as it would be frozen now, under the
    plan's stored scheme or, for a what-if, under ``scheme`` (the stored JSON shape; nothing
    is stored). None when neither exists. ``schemes.SchemeError`` for a malformed ``scheme``.
    Eight queries, whatever the number of regions.

    Before December has a figure the year is not complete: the assessment covers 1–M月, M the
    last month any region reported, and compares like periods — growth against last year's
    1–M月, completion against the 序时进度 of month M (``calculations.schedule_completion``).
    The snapshot says so (``through_month``, ``required_share``)."""
    whole_year = loaders.notice_inputs(city, year, 12)
    reported = [m for region in whole_year.inputs for m in region.amounts]
    inputs = replace(whole_year, month=max(reported, default=12))
    is_default = False
    if scheme is None:
        stored = stored_scheme(inputs.plan)
        if stored is None or not stored.indicators:
            return None
        scheme = stored.as_scheme()
        is_default = stored.is_default
    parsed = schemes.parse_scheme(scheme)
    notice = inputs.compute()
    required = notice.required
    # Exact (11/12, not 0.9166…7): a completion on a step's edge stays on it.
    share = inputs.schedule.schedule.required_share(inputs.month)
    by_code = {row.code: row for row in notice.regions}
    interviews = loaders.interview_counts(city, year)
    events = loaders.promotion_event_counts(city, year)
    regions = []
    for region in inputs.regions:
        row = by_code[loaders.region_code(region)]
        regions.append(
            scoring.RegionScoringInput(
                code=row.code,
                name=row.name,
                target_usd=row.target,
                values={
                    "completion": calc.schedule_completion(row.completion, share),
                    "utilised_fdi_usd": row.ytd,
                    "yoy_growth": row.growth,
                    "interviews": Decimal(interviews.get(region.pk, 0)),
                    "promotion_events": Decimal(events.get(region.pk, 0)),
                },
            )
        )
    result = scoring.score_regions(parsed, regions)
    return snapshots.assessment_snapshot(
        city_code=city.admin_code,
        city_name=city.name,
        year=year,
        through_month=inputs.month,
        required_share=required,
        scheme=scheme,
        is_default=is_default,
        result=result,
        input_kinds={
            item["code"]: schemes.INPUTS[item["input"]][1] for item in scheme["indicators"]
        },
    )


@dataclass(frozen=True)
class IndicatorLine:
    name: str
    method_label: str
    input_label: str
    kind: str
    value: Decimal | None
    weight: Decimal
    points: Decimal
    explanation: str


@dataclass(frozen=True)
class ScoreRow:
    code: str
    name: str
    score: Decimal
    rank: int
    vetoed: bool
    veto_reasons: tuple[str, ...]
    lines: tuple[IndicatorLine, ...]


@dataclass(frozen=True)
class AssessmentPage:
    assessment: AnnualAssessment | None  # None: a draft (or nothing to score)
    data: dict | None
    plan: Plan | None

    @property
    def rows(self) -> list[ScoreRow]:
        return [] if self.data is None else assessment_rows(self.data)

    @property
    def scheme(self) -> dict | None:
        return None if self.data is None else self.data["scheme"]

    @property
    def through_month(self) -> int:
        """The last month the assessment's figures cover (12: the whole year; snapshots of
        earlier releases were always of the whole year)."""
        return 12 if self.data is None else self.data.get("through_month", 12)

    @property
    def partial(self) -> bool:
        """Drafted before December had a figure: it covers 1–M月 only."""
        return self.through_month < 12

    @property
    def period(self) -> str:
        """「1-11月」 for a partial year, '' for the whole year."""
        return prose.months_covered(self.through_month) if self.partial else ""

    @property
    def required_share(self) -> Decimal:
        """The 序时进度 of the last month covered, against which completion was scored."""
        return Decimal(self.data.get("required_share", "1")) if self.data else Decimal(1)


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def assessment_rows(data: dict) -> list[ScoreRow]:
    """An assessment snapshot read back for the page: Decimals, labels, explanations."""
    rows = []
    for region in data["regions"]:
        lines = []
        for item in region["indicators"]:
            label, kind = schemes.INPUTS.get(item["input"], (item["input"], "ratio"))
            lines.append(
                IndicatorLine(
                    name=item["name"],
                    method_label=str(schemes.METHOD_LABELS.get(item["method"], item["method"])),
                    input_label=str(label),
                    kind=kind,
                    value=_dec(item["value"]),
                    weight=Decimal(item["weight"]),
                    points=Decimal(item["points"]),
                    explanation=prose.explain_points(item),
                )
            )
        rows.append(
            ScoreRow(
                code=region["code"],
                name=region["name"],
                score=Decimal(region["score"]),
                rank=region["rank"],
                vetoed=region.get("vetoed", False),
                veto_reasons=tuple(prose.veto_reason(v) for v in region.get("vetoes", ())),
                lines=tuple(lines),
            )
        )
    return rows


def assessment_page(city: City, year: int, *, drafts: bool) -> AssessmentPage:
    """The issued assessment of ``year``, or — when ``drafts`` — the draft on the figures as
    they stand (``data`` None when the plan has no scheme). ``NotIssued`` otherwise."""
    assessment = (
        AnnualAssessment.objects.issued()
        .filter(city=city, year=year)
        .select_related("issued_by")
        .first()
    )
    plan = loaders.plan_for(city, year)
    if assessment is not None:
        return AssessmentPage(assessment, assessment.snapshot, plan)
    if not drafts:
        raise NotIssued
    return AssessmentPage(None, score(city, year), plan)


# ------------------------------------------------------------------------------------------
# Plan goals (工作目标)
# ------------------------------------------------------------------------------------------

#: Goal metric codes the portal computes (tasks.services recognises them in a plan's text).
GOAL_METRICS = (
    "utilised_fdi_usd",
    "utilised_fdi_growth",
    "campaign_new_projects",
    "campaign_landing_rate",
    "landed_arrival_share",
)
#: The goals whose target is the city target (one record: CityTarget, set on the grid or
#: from the plan's goals).
CITY_TARGET_METRICS = ("utilised_fdi_usd", "utilised_fdi_growth")


@dataclass(frozen=True)
class GoalProgress:
    text: str
    metric: str
    kind: str  # "usd", "ratio" or "count"
    target: Decimal | None
    current: Decimal | None
    met: bool | None
    note: str
    #: "met", "on_track" (the amount goal, not met yet but at the schedule), "behind" or ""
    #: (nothing to measure yet).
    status: str = ""


def goal_progress(
    city: City,
    year: int,
    plan: Plan | None,
    *,
    month: int | None = None,
    report: NoticeReport | None = None,
) -> list[GoalProgress]:
    """Each goal of ``plan`` with its current value (January to ``month``, by default the
    last month with figures) against its target. The utilised-FDI amount and growth goals are
    measured against the city target of ``year`` — the same record the grid and the notice
    use; the amount goal is on track when the city is at its schedule. Targets written in per
    cent (unit "%") are read as ratios. Campaign names are read from the goal's text (the names
    in “…”). ``report``, the notice of that month when the caller has it, saves its queries.
    Constant number of queries."""
    if plan is None:
        return []
    goals = list(plan.goals.all())
    if report is None:
        month = month or loaders.latest_figure_month(city, year) or 12
        report = draft_report(city, year, month)
    month = report.month
    result = []
    for goal in goals:
        target = goal.target_value
        if target is not None:
            target = goal_ratio(target, goal.unit)
        current: Decimal | None = None
        note = ""
        kind = "count"
        if goal.metric == "utilised_fdi_usd":
            kind, current, target = "usd", report.city_ytd_usd, report.city_target_usd
        elif goal.metric == "utilised_fdi_growth":
            kind, current, target = "ratio", report.city_yoy_growth, report.growth_target
        elif goal.metric in GOAL_METRICS:
            kind = "count" if goal.metric == "campaign_new_projects" else "ratio"
            named = re.findall(r"“([^”]+)”", goal.text or goal.subject)
            figures = loaders.project_goal_figures(city, year, campaigns=named, month=month)
            if goal.metric == "campaign_new_projects":
                current = Decimal(figures.new_registered)
            elif goal.metric == "campaign_landing_rate":
                current = figures.landing_rate
            else:
                current = calc.share(figures.landed_arrivals_usd, report.city_ytd_usd)
        else:
            note = _("The portal does not compute this goal yet.")
        status = calc.goal_status(
            current,
            target,
            on_schedule=report.city_on_track if goal.metric == "utilised_fdi_usd" else None,
        )
        met = None if not status else status == calc.GOAL_MET
        result.append(
            GoalProgress(goal.text, goal.metric, kind, target, current, met, note, status)
        )
    return result


# ------------------------------------------------------------------------------------------
# The figures grid
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    month: int
    amount_usd: Decimal | None  # the official (verified) figure
    last_year_usd: Decimal | None
    is_demo: bool = False
    #: The latest county submission: None, or the one waiting (已报送) or returned (退回).
    submission: FigureSubmission | None = None


@dataclass(frozen=True)
class GridRow:
    region: Region
    cells: tuple[GridCell, ...]
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    target_usd: Decimal | None

    @property
    def completion(self) -> Decimal | None:
        return calc.completion(self.ytd_usd, self.target_usd)

    @property
    def growth(self) -> Decimal | None:
        return calc.growth(self.ytd_usd, self.ytd_last_year_usd)


@dataclass(frozen=True)
class FigureGrid:
    """Regions × months of one year, with last year's same months beside them.

    ``through_month`` is the last month any region has a figure for: year-to-date sums
    months 1..through_month of this year and of last year alike, so they compare.
    """

    city: City
    year: int
    rows: tuple[GridRow, ...]
    month_totals: tuple[GridCell, ...]
    through_month: int
    ytd_usd: Decimal
    ytd_last_year_usd: Decimal
    region_targets_usd: Decimal
    city_target: CityTarget | None
    has_demo: bool
    #: Months of ``year`` whose figures are locked (PeriodLock).
    locked_months: frozenset[int] = frozenset()

    @property
    def completion(self) -> Decimal | None:
        target = self.city_target.target_usd if self.city_target else None
        return calc.completion(self.ytd_usd, target)

    @property
    def growth(self) -> Decimal | None:
        return calc.growth(self.ytd_usd, self.ytd_last_year_usd)


def _sum(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _sum_or_none(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


@shared("pages.figure_grid")
def figure_grid(city: City, year: int, *, regions: Sequence[Region] | None = None) -> FigureGrid:
    """The grid of ``city``'s assessed regions (or of ``regions``, e.g. an official's own):
    official figures, each cell's open submission, the locked months. Six queries."""
    if regions is None:
        regions = list(Region.objects.in_city(city).assessed())
    figures: dict[tuple[int, int, int], MonthlyFigure] = {
        (f.region_id, f.year, f.month): f
        for f in MonthlyFigure.objects.filter(region__in=regions, year__in=[year, year - 1])
    }
    targets = dict(
        RegionTarget.objects.filter(region__in=regions, year=year).values_list(
            "region_id", "target_usd"
        )
    )
    city_target = CityTarget.objects.filter(city=city, year=year).first()
    through = max((m for (_r, y, m) in figures if y == year), default=0)
    # The latest submission of each cell, if it waits or was returned (a verified one is the
    # official figure; a replaced one is history).
    submissions: dict[tuple[int, int], FigureSubmission] = {}
    for submission in FigureSubmission.objects.filter(region__in=regions, year=year).order_by(
        "submitted_at", "pk"
    ):
        submissions[(submission.region_id, submission.month)] = submission
    locked = frozenset(
        PeriodLock.objects.filter(city=city, year=year).values_list("month", flat=True)
    )

    rows = []
    for region in regions:
        cells = []
        for month in loaders.MONTHS:
            figure = figures.get((region.pk, year, month))
            last = figures.get((region.pk, year - 1, month))
            cells.append(
                GridCell(
                    month,
                    figure.amount_usd if figure else None,
                    last.amount_usd if last else None,
                    figure.is_demo if figure else False,
                    _open_submission(submissions.get((region.pk, month))),
                )
            )
        rows.append(
            GridRow(
                region=region,
                cells=tuple(cells),
                ytd_usd=_sum(c.amount_usd for c in cells[:through]),
                ytd_last_year_usd=_sum(c.last_year_usd for c in cells[:through]),
                target_usd=targets.get(region.pk),
            )
        )
    totals = tuple(
        GridCell(
            month,
            _sum_or_none(row.cells[month - 1].amount_usd for row in rows),
            _sum_or_none(row.cells[month - 1].last_year_usd for row in rows),
        )
        for month in loaders.MONTHS
    )
    return FigureGrid(
        city=city,
        year=year,
        rows=tuple(rows),
        month_totals=totals,
        through_month=through,
        ytd_usd=_sum(row.ytd_usd for row in rows),
        ytd_last_year_usd=_sum(row.ytd_last_year_usd for row in rows),
        region_targets_usd=_sum(row.target_usd for row in rows),
        city_target=city_target,
        has_demo=any(f.is_demo for f in figures.values())
        or bool(city_target and city_target.is_demo),
        locked_months=locked,
    )


def _open_submission(submission: FigureSubmission | None) -> FigureSubmission | None:
    open_states = (FigureSubmission.Status.SUBMITTED, FigureSubmission.Status.RETURNED)
    return submission if submission is not None and submission.status in open_states else None


# ------------------------------------------------------------------------------------------
# The province's city-by-city comparison
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityComparison:
    """One city of the comparison: its progress to the last month it reported (None when it
    reported nothing in the year), measured by its own plan's schedule."""

    city: City
    year: int
    through_month: int | None
    progress: calc.CityProgress | None
    ytd_usd: Decimal
    target_usd: Decimal | None


def province_comparison(cities: Sequence[City], year: int) -> list[CityComparison]:
    """Each city's utilised FDI of ``year`` to the last month it reported, against its target,
    its plan's schedule and the same months of last year. Three queries."""
    rows = []
    for sums in loaders.city_sums(cities, year):
        progress = None
        if sums.through_month:
            progress = calc.city_progress(
                sums.through_month,
                ytd=sums.ytd_usd,
                ytd_last_year=sums.ytd_last_year_usd,
                month_amount=sums.month_usd,
                city_target=sums.city_target,
                schedule=sums.schedule.schedule,
            )
        rows.append(
            CityComparison(
                city=sums.city,
                year=year,
                through_month=sums.through_month,
                progress=progress,
                ytd_usd=sums.ytd_usd,
                target_usd=sums.city_target.target_usd,
            )
        )
    return rows


# ------------------------------------------------------------------------------------------
# The quarterly campaign notice (落地率、到位率 by campaign and region)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignNoticePage:
    """The quarter's campaign notice: issued (frozen rows, revisions since) or the draft."""

    notice: Notice | None  # None: a draft
    city_name: str
    year: int
    quarter: int
    rows: tuple[snapshots.CampaignRow, ...]
    revisions: list[snapshots.CampaignRevision]

    @property
    def month(self) -> int:
        return self.quarter * 3

    @property
    def title(self) -> str:
        return prose.campaign_notice_title(self.city_name, self.year, self.quarter)

    @property
    def summary(self) -> str:
        return prose.campaign_notice_summary(self.year, self.month, self.rows)


def campaign_draft_snapshot(city: City, year: int, quarter: int) -> dict:
    """What issuing the campaign notice of ``quarter`` now would freeze: the projects signed
    in each campaign from January to the quarter's end (loaders.campaign_figures)."""
    return snapshots.campaign_snapshot(
        city_code=city.admin_code,
        city_name=city.name,
        year=year,
        quarter=quarter,
        rows=snapshots.campaign_rows(loaders.campaign_figures(city, year, quarter * 3)),
    )


def campaign_notice_page(
    city: City, year: int, quarter: int, *, drafts: bool
) -> CampaignNoticePage:
    """The issued campaign notice of ``quarter`` with the revisions made since, or — when
    ``drafts`` — the draft. ``NotIssued`` otherwise. Five queries."""
    issued = (
        Notice.objects.issued()
        .filter(city=city, kind=Notice.Kind.QUARTERLY, year=year, month=quarter * 3)
        .select_related("issued_by")
        .first()
    )
    if issued is None and not drafts:
        raise NotIssued
    live = campaign_draft_snapshot(city, year, quarter)
    if issued is None:
        return CampaignNoticePage(
            None, city.name, year, quarter, snapshots.campaign_rows_from_snapshot(live), []
        )
    return CampaignNoticePage(
        issued,
        issued.snapshot.get("city_name", city.name),
        year,
        quarter,
        snapshots.campaign_rows_from_snapshot(issued.snapshot),
        snapshots.campaign_revisions(issued.snapshot, live),
    )


# ------------------------------------------------------------------------------------------
# The year-end projection (预计): an estimate beside the notice, never frozen into it
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectionLine:
    """One region's (or the city's, ``code`` "") year-end estimate by both methods."""

    code: str
    name: str
    pace: calc.YearEndProjection
    seasonal: calc.YearEndProjection


@dataclass(frozen=True)
class YearEndOutlook:
    """Where each assessed region and the city would end ``year``, estimated after
    ``month`` on the figures and targets as they stand now (not as a notice froze them)."""

    year: int
    month: int
    regions: tuple[ProjectionLine, ...]
    city: ProjectionLine

    @property
    def lines(self) -> tuple[ProjectionLine, ...]:
        """The regions, then the city."""
        return (*self.regions, self.city)

    def region(self, code: str) -> ProjectionLine | None:
        """The line of the region reported under ``code`` (loaders.region_code)."""
        return next((line for line in self.regions if line.code == code), None)


def year_end_outlook(city: City, year: int, month: int) -> YearEndOutlook:
    """The year-end projection of every assessed region of ``city`` and of the city after
    ``month``: at the pace so far (calculations.project_at_pace) and at last year's seasonal
    pattern (calculations.project_seasonal), against the region targets and the city target,
    on the figures as they stand. Six queries, whatever the number of regions. For the
    region page; the notice page gets it with its notice (``NoticePage.outlook``)."""
    return outlook_from(loaders.notice_inputs(city, year, month))


def outlook_from(inputs: loaders.NoticeInputs) -> YearEndOutlook:
    """The year-end projection from a notice's inputs (which hold this year's and last
    year's months up to the notice month, and the targets) and last year's later months:
    one query."""
    year, month = inputs.year, inputs.month
    later = loaders.monthly_amounts(inputs.regions, (year - 1,), through_month=12)
    lines = []
    city_months: dict[int, Decimal] = {}
    city_last_year: dict[int, Decimal] = {}
    for region, data in zip(inputs.regions, inputs.inputs, strict=True):
        last_year = {**later.get((region.pk, year - 1), {}), **data.amounts_last_year}
        # Months after the notice month are not known at the notice's date.
        so_far = {m: v for m, v in data.amounts.items() if m <= month}
        lines.append(
            ProjectionLine(
                data.code,
                data.name,
                calc.project_at_pace(so_far, month, data.target_usd),
                calc.project_seasonal(so_far, month, last_year, data.target_usd),
            )
        )
        # The city's months are the sum of its assessed regions', as the notice's 全市 row
        # sums them; a month is missing for the city only when no region has it.
        for months, total in ((so_far, city_months), (last_year, city_last_year)):
            for m, v in months.items():
                total[m] = total.get(m, Decimal(0)) + v
    target = inputs.city_target.target_usd
    city_line = ProjectionLine(
        "",
        inputs.city.name,
        calc.project_at_pace(city_months, month, target),
        calc.project_seasonal(city_months, month, city_last_year, target),
    )
    return YearEndOutlook(year, month, tuple(lines), city_line)
