"""A city's policy document as the portal tracks it: the plan, its goals (工作目标), its task tree
with the units that own each task, and the units' quarterly progress reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fdi_portal.models import City, CityScopedQuerySet, Department


class PlanQuerySet(CityScopedQuerySet):
    pass


class PlanManager(models.Manager.from_queryset(PlanQuerySet)):
    def get_by_natural_key(self, city_code: str, title: str) -> Plan:
        return self.get(city__admin_code=city_code, title=title)


class Plan(models.Model):
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, related_name="plans", verbose_name=_("city")
    )
    title = models.CharField(_("title"), max_length=200)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("The year an annual plan covers.")
    )
    period = models.CharField(
        _("period"), max_length=60, blank=True, help_text=_("For plans not tied to one year.")
    )
    first_year = models.PositiveSmallIntegerField(
        _("first year"),
        null=True,
        blank=True,
        help_text=_("A multi-year plan's first year; empty: the year it was issued."),
    )
    last_year = models.PositiveSmallIntegerField(
        _("last year"),
        null=True,
        blank=True,
        help_text=_("A multi-year plan's last year; empty: until a later plan replaces it."),
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("carried forward from"),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    source_text = models.TextField(_("full source text"), blank=True)
    issuing_units = models.ManyToManyField(
        Department, blank=True, related_name="issued_plans", verbose_name=_("issuing units")
    )

    history = HistoricalRecords()
    objects = PlanManager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["city", "-year", "title"]
        constraints = [
            # Fixtures and the importer find a plan by its title within the city.
            models.UniqueConstraint(fields=["city", "title"], name="plan_unique_title_in_city"),
            # One annual plan per city and year: it is the plan that governs the year
            # (assessments.loaders.plan_for); carrying forward refuses a year that has one.
            models.UniqueConstraint(
                fields=["city", "year"],
                condition=Q(year__isnull=False),
                name="plan_one_annual_plan_per_year",
            ),
            # An annual plan covers its year; only a multi-year plan states a span.
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(first_year__isnull=True, last_year__isnull=True),
                name="plan_year_or_span",
            ),
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(first_year__lte=F("last_year")),
                name="plan_span_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def start_year(self) -> int | None:
        """The first year the plan covers: its year, its stated first year, else the year it
        was issued (None when the plan says none of them)."""
        if self.year:
            return self.year
        if self.first_year:
            return self.first_year
        return self.issued_on.year if self.issued_on else None

    @property
    def end_year(self) -> int | None:
        """The last year the plan covers; None for a multi-year plan without an end."""
        return self.year or self.last_year

    def covers(self, year: int) -> bool:
        """Whether ``year`` is one of the plan's years (an open-ended plan covers every year
        from its start; a plan that states no year at all covers any)."""
        start, end = self.start_year, self.end_year
        return (start is None or start <= year) and (end is None or year <= end)

    @property
    def years_label(self) -> str:
        """The years as the pages print them: 2021年, 2021—2023年, 2023年起."""
        start, end = self.start_year, self.end_year
        if start is None:
            return ""
        if end == start:
            return f"{start}年"
        if end is None:
            return f"{start}年起"
        return f"{start}—{end}年"

    def natural_key(self) -> tuple[str, str]:
        return (self.city.admin_code, self.title)

    natural_key.dependencies = ["fdi_portal.city", "fdi_portal.department"]


class GoalManager(models.Manager):
    def get_by_natural_key(self, city_code: str, plan_title: str, order: int) -> Goal:
        return self.get(plan__city__admin_code=city_code, plan__title=plan_title, order=order)


class Goal(models.Model):
    """A quantitative goal of the plan (工作目标), e.g. 实际利用外资 7000万美元."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("clause text"))
    metric = models.CharField(
        _("metric"),
        max_length=60,
        help_text=_("A stable code the assessments compute, e.g. utilised_fdi_usd."),
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    subject = models.CharField(
        _("subject"),
        max_length=200,
        blank=True,
        help_text=_("What is measured, as the document writes it."),
    )
    qualifier = models.CharField(
        _("qualifier"),
        max_length=20,
        blank=True,
        help_text=_("How the document bounds the target: 不低于, 以上, 左右, 力争 …"),
    )

    history = HistoricalRecords()
    objects = GoalManager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="goal_unique_order_in_plan"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    def natural_key(self) -> tuple:
        return (*self.plan.natural_key(), self.order)

    natural_key.dependencies = ["tasks.plan"]


class TaskQuerySet(CityScopedQuerySet):
    city_field = "plan__city"


class TaskManager(models.Manager.from_queryset(TaskQuerySet)):
    def get_by_natural_key(self, city_code: str, plan_title: str, order: int) -> Task:
        return self.get(plan__city__admin_code=city_code, plan__title=plan_title, order=order)


class Task(models.Model):
    """A node of the plan's tree: a section (二、主要任务), a task (（三）/ 9.) or a sub-item
    (一是). ``order`` is the node's position in the document, unique within the plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    order = models.PositiveIntegerField(_("order"))
    label = models.CharField(_("label"), max_length=20, help_text=_("As written: （三）, 二是, 9."))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("full text"), blank=True)
    requirements = models.JSONField(
        _("quantitative requirements"),
        default=list,
        blank=True,
        help_text=_("E.g. 不少于4次 per county a year: quantity, unit, period, applies to."),
    )
    deadline = models.CharField(
        _("deadline"), max_length=60, blank=True, help_text=_("完成时限 as written.")
    )
    deadline_on = models.DateField(
        _("deadline date"),
        null=True,
        blank=True,
        help_text=_(
            "The date the deadline words give (2022年10月底前 → 2022-10-31); empty for "
            "长期坚持 and the like."
        ),
    )

    history = HistoricalRecords()
    objects = TaskManager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "order"], name="task_unique_order_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    def natural_key(self) -> tuple:
        return (*self.plan.natural_key(), self.order)

    natural_key.dependencies = ["tasks.plan"]


class AssignmentManager(models.Manager):
    def get_by_natural_key(
        self, city_code: str, plan_title: str, task_order: int, order: int
    ) -> Assignment:
        return self.get(
            task__plan__city__admin_code=city_code,
            task__plan__title=plan_title,
            task__order=task_order,
            order=order,
        )


class Assignment(models.Model):
    """A unit's part in a task: lead (牵头), support (配合) or shared (按职责分工负责).

    The unit is a Department of the plan's city, or a collective unit kept whole as the
    document writes it (「各县（市、区）人民政府」, 「市级各部门」).
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead (牵头)")
        SUPPORT = "support", _("Support (配合)")
        SHARED = "shared", _("Shared by duty (按职责分工)")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("department"),
    )
    collective = models.CharField(
        _("collective unit"),
        max_length=60,
        blank=True,
        help_text=_("E.g. 各县（市、区）人民政府; empty when a department is named."),
    )
    written_name = models.CharField(_("name as written"), max_length=80, blank=True)
    note = models.CharField(
        _("note"),
        max_length=200,
        blank=True,
        help_text=_(
            "What the document says of the unit in brackets, e.g. 包括各开发区管委会，下同."
        ),
    )
    unresolved = models.BooleanField(
        _("unresolved"),
        default=False,
        help_text=_("A name the registry does not know, kept as written in the collective field."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()
    objects = AssignmentManager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["task", "order"]
        constraints = [
            # A unit is either a department or a collective, never both nor neither.
            models.CheckConstraint(
                condition=Q(department__isnull=False, collective="")
                | Q(department__isnull=True) & ~Q(collective=""),
                name="assignment_department_xor_collective",
            ),
            models.UniqueConstraint(
                fields=["task", "department"],
                condition=Q(department__isnull=False),
                name="assignment_unique_department_in_task",
            ),
            models.UniqueConstraint(
                fields=["task", "collective"],
                condition=~Q(collective=""),
                name="assignment_unique_collective_in_task",
            ),
            # Fixtures find an assignment by its task and its position in the task.
            models.UniqueConstraint(fields=["task", "order"], name="assignment_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.get_role_display()}"

    def natural_key(self) -> tuple:
        return (*self.task.natural_key(), self.order)

    natural_key.dependencies = ["tasks.task"]

    @property
    def unit_name(self) -> str:
        return self.department.name if self.department_id else self.collective


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started (未启动)")
        IN_PROGRESS = "in_progress", _("In progress (推进中)")
        BEHIND = "behind", _("Behind (滞后)")
        DONE = "done", _("Done (已完成)")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="reports", verbose_name=_("department")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    narrative = models.TextField(_("narrative"), max_length=5000)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["task", "year", "quarter", "department"]
        constraints = [
            # One report per unit, task and quarter; a resubmission replaces it.
            models.UniqueConstraint(
                fields=["task", "department", "year", "quarter"],
                name="report_unique_per_unit_task_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.department} · {self.year}Q{self.quarter}"
