"""Targets and the monthly utilised-FDI figures every notice, interview and score is computed
from, and the notices issued from them. Every change of a target or figure is kept in its
history (django-simple-history): who, when, old → new and why."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from fdi_portal.models import City, CityScopedQuerySet, Region

AMOUNT = {"max_digits": 16, "decimal_places": 2}


class CityTargetQuerySet(CityScopedQuerySet):
    pass


class CityTargetManager(models.Manager.from_queryset(CityTargetQuerySet)):
    def get_by_natural_key(self, city_code: str, year: int) -> CityTarget:
        return self.get(city__admin_code=city_code, year=year)


class CityTarget(models.Model):
    """The city's annual utilised-FDI target and growth target (e.g. 7000万美元, +20%)."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="targets", verbose_name=_("city")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target_usd = models.DecimalField(_("target (USD)"), **AMOUNT)
    growth_target = models.DecimalField(
        _("growth target"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Year-on-year growth as a ratio: 0.2 for +20%."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    objects = CityTargetManager()

    class Meta:
        verbose_name = _("city target")
        verbose_name_plural = _("city targets")
        ordering = ["city", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["city", "year"], name="city_target_unique_year"),
            models.CheckConstraint(condition=Q(target_usd__gte=0), name="city_target_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}"

    def natural_key(self) -> tuple[str, int]:
        return (self.city.admin_code, self.year)

    natural_key.dependencies = ["fdi_portal.city"]


class RegionTargetQuerySet(CityScopedQuerySet):
    city_field = "region__city"


class RegionTarget(models.Model):
    """A region's share of the city target for a year."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="targets", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    target_usd = models.DecimalField(_("target (USD)"), **AMOUNT)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    objects = RegionTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("region target")
        verbose_name_plural = _("region targets")
        ordering = ["region", "-year"]
        constraints = [
            # One target per region and year: imports update it in place.
            models.UniqueConstraint(fields=["region", "year"], name="region_target_unique_year"),
            models.CheckConstraint(
                condition=Q(target_usd__gte=0), name="region_target_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class MonthlyFigureQuerySet(CityScopedQuerySet):
    city_field = "region__city"


class MonthlyFigure(models.Model):
    """当月实际使用外资 of a region (including investment companies), in USD: the official,
    verified figure (staff entries and imports, and county submissions once verified — see
    ``FigureSubmission``). Every notice, ranking and score reads this table.

    A month without a row has no figure yet (which is not the same as a figure of 0).
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="figures", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount_usd = models.DecimalField(_("utilised FDI (USD)"), **AMOUNT)
    is_demo = models.BooleanField(_("demo data"), default=False)
    history = HistoricalRecords()

    objects = MonthlyFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        ordering = ["region", "year", "month"]
        constraints = [
            # One figure per region and month: year-to-date sums would double count otherwise.
            models.UniqueConstraint(
                fields=["region", "year", "month"], name="figure_unique_region_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="figure_month_1_to_12"
            ),
            models.CheckConstraint(condition=Q(amount_usd__gte=0), name="figure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d}"


class FigureSubmissionQuerySet(CityScopedQuerySet):
    city_field = "region__city"

    def awaiting(self) -> FigureSubmissionQuerySet:
        """Submissions waiting for commerce staff (已报送)."""
        return self.filter(status=FigureSubmission.Status.SUBMITTED)


class FigureSubmission(models.Model):
    """A county's monthly figure as its official submitted it (已报送), until commerce staff
    verify it (审核通过: its amount becomes the ``MonthlyFigure``) or return it with a reason
    (退回: the official sees why and submits again, as a new row).

    Submissions live beside the official figures, not in them: ``MonthlyFigure`` holds only
    verified figures, so every notice, ranking, score and export that reads it counts verified
    figures without a filter anyone could forget, and an official figure and a pending
    correction of it coexist. Each row is one submission and keeps both of its steps (who
    submitted when, with which note; who decided when, and why): the history of the cycle.
    """

    class Status(models.TextChoices):
        # The words of the 招商信息报送系统 bureaus know: 已报送 → 审核通过 / 退回.
        SUBMITTED = "submitted", pgettext_lazy("figure submission", "Submitted")
        VERIFIED = "verified", pgettext_lazy("figure submission", "Verified")
        RETURNED = "returned", pgettext_lazy("figure submission", "Returned")
        SUPERSEDED = "superseded", _("Replaced by a later submission")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("region")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount_usd = models.DecimalField(_("utilised FDI (USD)"), **AMOUNT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    warnings = models.TextField(
        _("warnings confirmed"),
        blank=True,
        help_text=_("The plausibility warnings the official confirmed when submitting."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=200, blank=True)

    history = HistoricalRecords()
    objects = FigureSubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("figure submission")
        verbose_name_plural = _("figure submissions")
        ordering = ["submitted_at", "pk"]
        constraints = [
            # One submission awaits review per cell: a new one replaces the waiting one.
            models.UniqueConstraint(
                fields=["region", "year", "month"],
                condition=Q(status="submitted"),
                name="submission_one_waiting_per_cell",
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="submission_month_1_to_12"
            ),
            models.CheckConstraint(condition=Q(amount_usd__gte=0), name="submission_not_negative"),
            # The official must see why a figure came back.
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(review_reason=""),
                name="submission_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}-{self.month:02d} {self.get_status_display()}"


class PeriodLockQuerySet(CityScopedQuerySet):
    pass


class PeriodLock(models.Model):
    """A month of a city whose figures are closed: once its notice is issued staff lock it,
    and every change of that month's figures (grid, import, submission, verification, command)
    is refused until someone unlocks it with a reason. Unlocking deletes the row; its history
    keeps who locked and unlocked when, and the unlock's reason."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="period_locks", verbose_name=_("city")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    locked_at = models.DateTimeField(_("locked at"))
    history = HistoricalRecords()

    objects = PeriodLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        ordering = ["city", "year", "month"]
        constraints = [
            # Locking twice at once: one wins, the other finds it locked.
            models.UniqueConstraint(fields=["city", "year", "month"], name="lock_unique_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="lock_month_1_to_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}-{self.month:02d}"


class Issuable(models.Model):
    """What is drafted from the figures, then issued and frozen for good: ``snapshot`` holds
    every computed row as it was issued, and a later correction of a figure never changes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ISSUED = "issued", _("Issued")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    snapshot = models.JSONField(_("frozen snapshot"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED


class NoticeQuerySet(CityScopedQuerySet):
    def issued(self) -> NoticeQuerySet:
        return self.filter(status=Notice.Status.ISSUED)

    def covering(self, city: City, year: int, month: int) -> NoticeQuerySet:
        """Issued notices whose figures include ``month`` of ``year`` (a June notice covers
        January to June): a correction of that month changes what they reported."""
        # Monthly notices only: a quarterly campaign notice reports projects, not figures.
        return self.issued().filter(
            city=city, kind=Notice.Kind.MONTHLY, year=year, month__gte=month
        )


class Notice(Issuable):
    """A monthly notice (月通报) or quarterly review, drafted then issued with a frozen snapshot."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly notice")
        QUARTERLY = "quarterly", _("Quarterly review")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="notices", verbose_name=_("city")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    number = models.CharField(_("number"), max_length=40, blank=True, help_text=_("〔2021〕第6期"))
    sequence = models.PositiveSmallIntegerField(
        _("issue number in the year"), null=True, blank=True, help_text=_("The 6 of 〔2021〕第6期.")
    )

    objects = NoticeQuerySet.as_manager()

    class Meta(Issuable.Meta):
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["city", "-year", "-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["city", "kind", "year", "month"], name="notice_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="notice_month_1_to_12"
            ),
            # 〔2021〕第6期 names one notice of a kind in a city's year.
            models.UniqueConstraint(
                fields=["city", "kind", "year", "sequence"],
                condition=Q(sequence__isnull=False),
                name="notice_unique_sequence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}-{self.month:02d} {self.get_kind_display()}"


# ------------------------------------------------------------------------------------------
# Supervision: progress schedules, notices, interviews, scoring schemes, annual assessments
# ------------------------------------------------------------------------------------------


class PlanScopedQuerySet(CityScopedQuerySet):
    city_field = "plan__city"


class PlanSettingManager(models.Manager.from_queryset(PlanScopedQuerySet)):
    def get_by_natural_key(self, city_code: str, plan_title: str) -> models.Model:
        return self.get(plan__city__admin_code=city_code, plan__title=plan_title)


class ProgressSchedule(models.Model):
    """The cumulative share of the annual target a plan requires by the end of each month
    (序时进度), by one of three methods: months elapsed ÷ 12 (the default, also without a row),
    days elapsed to the month's end ÷ days in the year, or a custom share per month
    (``shares``: 12 decimal strings, ratios, "0.5" = 50%; validated by
    ``calculations.RequiredShares``). Every page and command reads it through
    ``assessments.loaders.schedule_for``."""

    class Method(models.TextChoices):
        MONTHS = "months", _("Months elapsed ÷ 12")
        DAYS = "days", _("Days elapsed ÷ days in the year")
        CUSTOM = "custom", _("A share for each month")

    plan = models.OneToOneField(
        "tasks.Plan",
        on_delete=models.CASCADE,
        related_name="progress_schedule",
        verbose_name=_("plan"),
    )
    method = models.CharField(
        _("method"), max_length=10, choices=Method.choices, default=Method.MONTHS
    )
    shares = models.JSONField(
        _("cumulative shares by month"),
        default=list,
        blank=True,
        help_text=_("Used by the custom method only."),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    is_default = models.BooleanField(
        _("default scheme"),
        default=False,
        help_text=_("Set by the seed fixture; cleared when staff change it."),
    )

    history = HistoricalRecords()
    objects = PlanSettingManager()

    class Meta:
        verbose_name = _("progress schedule")
        verbose_name_plural = _("progress schedules")

    def __str__(self) -> str:
        return f"{self.plan} · {self.label}"

    def natural_key(self) -> tuple[str, str]:
        return self.plan.natural_key()

    natural_key.dependencies = ["tasks.plan"]


class ScoringScheme(models.Model):
    """A plan's annual scoring scheme (年考评): an ordered list of indicators, each a dict
    ``{"code", "name", "weight", "input", "method", "params"}`` (decimals as strings).
    ``input`` names the figure the indicator scores and ``method``/``params`` one of the
    scoring methods (both listed in ``assessments.schemes``); ``vetoes`` (一票否决) give a
    total of 0 to a region whose input is below a threshold."""

    plan = models.OneToOneField(
        "tasks.Plan",
        on_delete=models.CASCADE,
        related_name="scoring_scheme",
        verbose_name=_("plan"),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    indicators = models.JSONField(_("indicators"), default=list)
    vetoes = models.JSONField(
        _("vetoes (一票否决)"),
        default=list,
        blank=True,
        help_text=_('e.g. [{"input": "completion", "below": "1"}]: a total of 0 below it.'),
    )
    is_default = models.BooleanField(_("default scheme"), default=False)
    history = HistoricalRecords()

    objects = PlanSettingManager()

    class Meta:
        verbose_name = _("scoring scheme")
        verbose_name_plural = _("scoring schemes")

    def __str__(self) -> str:
        return f"{self.plan} · {self.label}"

    def natural_key(self) -> tuple[str, str]:
        return self.plan.natural_key()

    natural_key.dependencies = ["tasks.plan"]

    def as_scheme(self) -> dict:
        """The scheme in the JSON shape ``schemes.parse_scheme`` and the what-if file take."""
        return {"label": self.label, "indicators": self.indicators, "vetoes": self.vetoes}


class InterviewQuerySet(CityScopedQuerySet):
    pass


class Interview(models.Model):
    """A quarterly interview (季约谈) of a region that was behind schedule and ranked last at a
    quarter's end. Created when the quarter-end monthly notice is issued, from its frozen
    figures; staff then record when it was held and its notes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To be held")
        HELD = "held", _("Held")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("city")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="interviews", verbose_name=_("region")
    )
    notice = models.ForeignKey(
        Notice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interviews",
        verbose_name=_("notice"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    completion = models.DecimalField(_("completion"), max_digits=12, decimal_places=4)
    required = models.DecimalField(_("required share"), max_digits=12, decimal_places=4)
    rank = models.PositiveSmallIntegerField(_("rank"))
    ranked_count = models.PositiveSmallIntegerField(_("ranked regions"))
    shortfall_usd = models.DecimalField(_("shortfall (USD)"), **AMOUNT)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    # Who interviewed whom (约谈人、被约谈人及参加人员), as the review document prints them.
    participants = models.TextField(_("participants"), blank=True, max_length=1000)
    notes = models.TextField(_("notes"), blank=True, max_length=5000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = InterviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["city", "-year", "-quarter", "region__order"]
        constraints = [
            # A region is interviewed at most once per quarter; the annual deduction counts rows.
            models.UniqueConstraint(
                fields=["region", "year", "quarter"], name="interview_unique_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="interview_quarter_1_to_4"
            ),
            # "Held" means a date was recorded.
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_on__isnull=False),
                name="interview_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} Q{self.quarter}"


class AnnualAssessmentQuerySet(CityScopedQuerySet):
    def issued(self) -> AnnualAssessmentQuerySet:
        return self.filter(status=AnnualAssessment.Status.ISSUED)


class AnnualAssessment(Issuable):
    """The annual score (年考评) of a city's assessed regions, frozen when issued: ``snapshot``
    holds the scheme used and every indicator's input, method and points."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("city")
    )
    year = models.PositiveSmallIntegerField(_("year"))

    objects = AnnualAssessmentQuerySet.as_manager()

    class Meta(Issuable.Meta):
        verbose_name = _("annual assessment")
        verbose_name_plural = _("annual assessments")
        ordering = ["city", "-year"]
        constraints = [
            # One assessment per city and year: issuing freezes it for good.
            models.UniqueConstraint(fields=["city", "year"], name="assessment_unique_year"),
            models.CheckConstraint(
                condition=~Q(status="issued") | Q(issued_at__isnull=False),
                name="assessment_issued_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} {self.year}"
