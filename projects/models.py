"""The foreign-investment project pipeline: investors, campaigns, projects with their stages,
arrivals (实际到位外资), the progress and difficulties lists (一专员两清单), complaints, promotion
events and the clause-derived project rules of each plan.

Amounts are stored in base units with two decimals: USD for FDI and total investment, CNY for
fixed-asset investment; pages show and take them in 万 (10 000).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fdi_portal.models import City, CityScopedQuerySet, Department, Region, Role, membership_of
from tasks.models import Plan

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def money_field(verbose_name: str) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=16, decimal_places=2, null=True, blank=True)


ZERO = Decimal(0)
#: A project's arrivals summed: two digits more than one arrival's amount.
ARRIVED_FIELD = models.DecimalField(max_digits=18, decimal_places=2)


class Industry(models.TextChoices):
    """Sections of the national industry classification (GB/T 4754-2017)."""

    A = "A", _("A Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("B Mining")
    C = "C", _("C Manufacturing")
    D = "D", _("D Electricity, heat, gas and water supply")
    E = "E", _("E Construction")
    F = "F", _("F Wholesale and retail")
    G = "G", _("G Transport, storage and post")
    H = "H", _("H Accommodation and catering")
    I = "I", _("I Information transmission, software and IT services")  # noqa: E741
    J = "J", _("J Finance")
    K = "K", _("K Real estate")
    L = "L", _("L Leasing and business services")
    M = "M", _("M Scientific research and technical services")
    N = "N", _("N Water, environment and public facilities management")
    O = "O", _("O Resident services, repair and other services")  # noqa: E741
    P = "P", _("P Education")
    Q = "Q", _("Q Health and social work")
    R = "R", _("R Culture, sports and entertainment")
    S = "S", _("S Public administration and social organisations")
    T = "T", _("T International organisations")


#: The industry section that counts as manufacturing (制造业) for the rules.
MANUFACTURING = Industry.C


# --------------------------------------------------------------------------- investors, campaigns


class Investor(models.Model):
    class OriginKind(models.TextChoices):
        # Hong Kong, Macao and Taiwan are regions, kept apart from foreign countries (港澳台).
        FOREIGN = "foreign", _("Foreign country")
        HONG_KONG = "hong_kong", _("Hong Kong SAR")
        MACAO = "macao", _("Macao SAR")
        TAIWAN = "taiwan", _("Taiwan region")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="investors", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=160, blank=True)
    origin_kind = models.CharField(
        _("origin kind"), max_length=12, choices=OriginKind.choices, default=OriginKind.FOREIGN
    )
    origin = models.CharField(
        _("country or region of origin"),
        max_length=40,
        blank=True,
        help_text=_("E.g. 德国, 新加坡; 香港 for Hong Kong."),
    )
    fortune_global_500 = models.BooleanField(_("Fortune Global 500"), default=False)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = CityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("investor")
        verbose_name_plural = _("investors")
        ordering = ["city", "name"]
        constraints = [
            # The project import resolves 投资方 by name within the city.
            models.UniqueConstraint(fields=["city", "name"], name="investor_unique_name_in_city"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def origin_label(self) -> str:
        if self.origin_kind == self.OriginKind.FOREIGN:
            return self.origin
        return str(self.get_origin_kind_display())


class CampaignManager(models.Manager.from_queryset(CityScopedQuerySet)):
    def get_by_natural_key(self, city_code: str, name: str) -> Campaign:
        return self.get(city__admin_code=city_code, name=name)


class Campaign(models.Model):
    """A named investment-promotion action of a city (三企入桂, 行企助力转型升级)."""

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("city")
    )
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CampaignManager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["city", "order", "name"]
        constraints = [
            # Fixtures and the import refer to a campaign by its name within the city.
            models.UniqueConstraint(fields=["city", "name"], name="campaign_unique_name_in_city"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str, str]:
        return (self.city.admin_code, self.name)

    natural_key.dependencies = ["fdi_portal.city"]


# --------------------------------------------------------------------------- projects


class Stage(models.TextChoices):
    """A project's stage, in pipeline order; each but the first has a date on the project."""

    NEGOTIATING = "negotiating", _("Negotiating")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    LANDED = "landed", _("Landed")
    CONSTRUCTION = "construction", _("Construction started")
    PRODUCTION = "production", _("In production")
    CANCELLED = "cancelled", _("Cancelled")


#: The date field of each dated stage, in the order the dates must run.
STAGE_DATE_FIELDS: dict[str, str] = {
    Stage.SIGNED: "signed_on",
    Stage.REGISTERED: "registered_on",
    Stage.LANDED: "landed_on",
    Stage.CONSTRUCTION: "construction_started_on",
    Stage.PRODUCTION: "production_started_on",
}


class ProjectQuerySet(CityScopedQuerySet):
    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ProjectQuerySet:
        """The city's projects; a region official sees their own region's only."""
        queryset = super().visible_to(user)
        membership = membership_of(user)
        if membership is not None and membership.role == Role.REGION_OFFICIAL:
            queryset = queryset.filter(region_id=membership.region_id)
        return queryset

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ProjectQuerySet:
        """Projects ``user`` may change: their city's for staff, their region's for officials."""
        return self.filter(region__in=Region.objects.writable_by(user))

    def recount_arrivals(self) -> int:
        """Store each project's arrived FDI, the sum of its arrivals, in ``arrived_usd``.
        ``Arrival.save`` and ``Arrival.delete`` call it for their project; a write of many
        arrivals at once (an import, the demo) calls it for the projects it wrote, in its
        transaction. One query."""
        total = (
            Arrival.objects.filter(project=OuterRef("pk"))
            .order_by()
            .values("project")
            .annotate(total=Sum("amount_usd"))
            .values("total")
        )
        return self.update(
            arrived_usd=Coalesce(Subquery(total), Value(ZERO), output_field=ARRIVED_FIELD)
        )


class Project(models.Model):
    class Mode(models.TextChoices):
        GREENFIELD = "greenfield", _("Greenfield")
        MERGER = "merger", _("Merger or acquisition")
        CAPITAL_INCREASE = "capital_increase", _("Capital increase")
        REINVESTMENT = "reinvestment", _("Profit reinvestment")

    class HeadquartersKind(models.TextChoices):
        NATIONAL = "national", _("National headquarters")
        REGIONAL = "regional", _("Regional headquarters")
        BRANCH = "branch", _("Branch")
        FUNCTIONAL = "functional", _("Functional headquarters")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="projects", verbose_name=_("city")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name=_("region")
    )
    park = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="park_projects",
        verbose_name=_("park"),
        limit_choices_to={"kind": Region.Kind.PARK},
    )
    name = models.CharField(_("name"), max_length=160)
    investor = models.ForeignKey(
        Investor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("investor"),
    )
    industry = models.CharField(_("industry"), max_length=1, choices=Industry.choices, blank=True)
    high_tech_manufacturing = models.BooleanField(_("high-tech manufacturing"), default=False)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.GREENFIELD)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("campaign"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.NEGOTIATING
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    landed_on = models.DateField(_("landed on"), null=True, blank=True)
    construction_started_on = models.DateField(_("construction started on"), null=True, blank=True)
    production_started_on = models.DateField(_("production started on"), null=True, blank=True)
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    stage_changed_on = models.DateField(
        _("stage changed on"),
        null=True,
        blank=True,
        help_text=_("Kept by the stage service; the stale-stage alert reads it."),
    )
    contracted_fdi_usd = money_field(_("contracted FDI (USD)"))
    arrived_usd = models.DecimalField(
        _("arrived FDI (USD)"),
        max_digits=18,
        decimal_places=2,
        default=ZERO,
        editable=False,
        help_text=_("The sum of the project's arrivals, kept with them (recount_arrivals)."),
    )
    total_investment_usd = money_field(_("total investment (USD)"))
    fixed_asset_investment_cny = money_field(_("fixed-asset investment (CNY)"))
    headquarters_kind = models.CharField(
        _("headquarters kind"), max_length=12, choices=HeadquartersKind.choices, blank=True
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("city leader"),
        help_text=_("The city leader who follows the project (一对一 / 包抓)."),
    )
    commissioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commissioned_projects",
        verbose_name=_("service commissioner"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    # arrived_usd is derived from the arrivals, whose own history keeps every change.
    history = HistoricalRecords(excluded_fields=["arrived_usd"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["city", "region__order", "name"]
        constraints = [
            # Re-importing a project list matches projects by name within the city.
            models.UniqueConstraint(fields=["city", "name"], name="project_unique_name_in_city"),
            # No landing (nor later stage) before signing.
            models.CheckConstraint(
                condition=Q(landed_on__isnull=True) | Q(signed_on__isnull=False),
                name="project_landed_after_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def date_of(self, stage: str) -> dt.date | None:
        if stage == Stage.CANCELLED:
            return self.cancelled_on
        field = STAGE_DATE_FIELDS.get(stage)
        return getattr(self, field) if field else None

    @property
    def timeline(self) -> list[tuple[str, dt.date | None]]:
        """(stage label, date) for every dated stage, in order; cancelled last when set."""
        rows = [
            (Stage(stage).label, getattr(self, field)) for stage, field in STAGE_DATE_FIELDS.items()
        ]
        if self.cancelled_on:
            rows.append((Stage.CANCELLED.label, self.cancelled_on))
        return rows

    @property
    def is_landed(self) -> bool:
        return self.landed_on is not None


class StageChange(models.Model):
    """The log of a project's stage changes, written by ``services.change_stage``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["project", "changed_on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.project} · {self.from_stage} → {self.to_stage}"


class ProjectChildQuerySet(CityScopedQuerySet):
    """Rows that belong to a project: scoped like their project."""

    city_field = "project__city"

    def visible_to(self, user: AbstractBaseUser | AnonymousUser) -> ProjectChildQuerySet:
        # ProjectQuerySet.visible_to's rule, applied through the join to the row's project:
        # `project IN (every visible project)` hashes a province's 50 000 projects per query.
        queryset = super().visible_to(user)
        membership = membership_of(user)
        if membership is not None and membership.role == Role.REGION_OFFICIAL:
            queryset = queryset.filter(project__region_id=membership.region_id)
        return queryset

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ProjectChildQuerySet:
        return self.filter(project__in=Project.objects.writable_by(user))


class Arrival(models.Model):
    """实际到位外资: the FDI a project actually received in one month."""

    # Indexed by the unique constraint and the index below, which both start with the project.
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="arrivals", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    amount_usd = models.DecimalField(_("amount (USD)"), max_digits=16, decimal_places=2)

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrival")
        verbose_name_plural = _("arrivals")
        ordering = ["project", "year", "month"]
        indexes = [
            # The sums of a year's arrivals by project (goals, rules) read the index alone on
            # PostgreSQL; SQLite ignores INCLUDE (settings.SILENCED_SYSTEM_CHECKS).
            models.Index(
                fields=["project", "year", "month"],
                include=["amount_usd"],
                name="arrival_project_month_amount",
            ),
        ]
        constraints = [
            # The import replaces a project's figure for a month: one row per project and month.
            models.UniqueConstraint(
                fields=["project", "year", "month"], name="arrival_unique_project_month"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="arrival_month_1_to_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.year}-{self.month:02d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Project.objects.filter(pk=self.project_id).recount_arrivals()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        Project.objects.filter(pk=self.project_id).recount_arrivals()
        return deleted


class ProgressEntry(models.Model):
    """项目进展情况清单: one dated line of a project's progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="progress_entries")
    date = models.DateField(_("date"))
    text = models.TextField(_("progress"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["project", "-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class Difficulty(models.Model):
    """企业困难问题清单: a problem the enterprise raised and the unit that must solve it."""

    class Category(models.TextChoices):
        LAND = "land", _("Land")
        POWER = "power", _("Electricity")
        WATER = "water", _("Water")
        ENERGY = "energy", _("Energy quota")
        TRANSPORT = "transport", _("Transport")
        FOREX = "forex", _("Foreign exchange")
        APPROVAL = "approval", _("Approvals")
        FINANCE = "finance", _("Financing")
        LABOUR = "labour", _("Labour")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Being handled")
        RESOLVED = "resolved", _("Resolved")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="difficulties")
    raised_on = models.DateField(_("raised on"))
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    text = models.TextField(_("difficulty"), max_length=2000)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="difficulties",
        verbose_name=_("responsible department"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=2000)

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["project", "-raised_on", "-pk"]
        constraints = [
            # The closure rate and the median days to resolve read resolved_on of resolved rows.
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_on__isnull=False)
                | ~Q(status="resolved") & Q(resolved_on__isnull=True),
                name="difficulty_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=models.F("raised_on")),
                name="difficulty_resolved_after_raised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED


class Complaint(models.Model):
    """投诉: a foreign investor's complaint, its handler and the deadline to answer."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="complaints")
    received_on = models.DateField(_("received on"))
    text = models.TextField(_("complaint"), max_length=2000)
    handler = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("handler"),
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, max_length=2000)

    history = HistoricalRecords()
    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["project", "-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("received_on")),
                name="complaint_deadline_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.received_on}"


class PromotionEventQuerySet(CityScopedQuerySet):
    pass


class PromotionEvent(models.Model):
    """外资专题招商活动 and other promotion events, organised by a region or a department."""

    class Kind(models.TextChoices):
        FDI_THEMED = "fdi_themed", _("FDI-themed promotion")
        MATCHMAKING = "matchmaking", _("Project matchmaking")
        EXPO = "expo", _("Expo (CIIE, CAEXPO, CIFTIS, CIFIT…)")
        VISIT = "visit", _("Visit abroad")

    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="promotion_events", verbose_name=_("city")
    )
    organiser_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promotion_events",
        verbose_name=_("organising region"),
    )
    organiser_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="promotion_events",
        verbose_name=_("organising department"),
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=160)
    target_countries = models.CharField(
        _("target countries or regions"), max_length=160, blank=True
    )
    fdi_themed = models.BooleanField(_("FDI-themed"), default=True)
    projects = models.ManyToManyField(
        Project, blank=True, related_name="source_events", verbose_name=_("resulting projects")
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()
    objects = PromotionEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        ordering = ["city", "-date", "title"]
        constraints = [
            # The yearly quota is counted per organiser: exactly one of the two is set.
            models.CheckConstraint(
                condition=Q(organiser_region__isnull=False, organiser_department__isnull=True)
                | Q(organiser_region__isnull=True, organiser_department__isnull=False),
                name="event_one_organiser",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self) -> Region | Department:
        return self.organiser_region or self.organiser_department


# --------------------------------------------------------------------------- rules


class RuleKind(models.TextChoices):
    """The kinds of project rule the code knows (projects/rules.py evaluates them)."""

    CUMULATIVE_ARRIVALS = "cumulative_arrivals", _("Cumulative arrived FDI at least")
    INVESTMENT_AND_YEAR_ARRIVALS = (
        "investment_and_year_arrivals",
        _("Total investment and this year's arrivals at least"),
    )
    SECTOR_INVESTMENT = "sector_investment", _("Industry and total investment at least")
    NEW_PROJECT_FIXED_ASSETS = "new_project_fixed_assets", _("New project, fixed assets at least")
    FORTUNE500_HEADQUARTERS = "fortune500_headquarters", _("Fortune Global 500 headquarters")


class ProjectRuleQuerySet(CityScopedQuerySet):
    city_field = "plan__city"


class ProjectRuleManager(models.Manager.from_queryset(ProjectRuleQuerySet)):
    def get_by_natural_key(self, city_code: str, plan_title: str, code: str) -> ProjectRule:
        return self.get(
            plan__city__admin_code=city_code, plan__title=plan_title, consequence_code=code
        )


class ProjectRule(models.Model):
    """A clause of a plan that gives projects over a threshold a consequence (a leader, priority
    on land or energy, a reward). The kind is code; thresholds and consequence are data."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="project_rules", verbose_name=_("plan")
    )
    kind = models.CharField(_("kind"), max_length=40, choices=RuleKind.choices)
    thresholds = models.JSONField(
        _("thresholds"),
        default=dict,
        help_text=_("Parameters of the kind; amounts in USD or CNY as strings."),
    )
    consequence_code = models.SlugField(_("consequence code"), max_length=40)
    consequence = models.CharField(_("consequence"), max_length=200)
    clause = models.TextField(_("clause text"), blank=True, max_length=2000)
    needs_leader = models.BooleanField(_("needs a city leader"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = ProjectRuleManager()

    class Meta:
        verbose_name = _("project rule")
        verbose_name_plural = _("project rules")
        ordering = ["plan", "order"]
        constraints = [
            # The rules command reports consequence codes; one rule per code and plan.
            models.UniqueConstraint(
                fields=["plan", "consequence_code"], name="rule_unique_code_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.consequence

    def natural_key(self) -> tuple:
        return (*self.plan.natural_key(), self.consequence_code)

    natural_key.dependencies = ["tasks.plan"]
