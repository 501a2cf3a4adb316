"""What is due on ``today``, and to whom: the reminders ``send_reminders`` turns into
notifications and emails. Reading only; a fixed number of queries whatever the number of
projects, regions and users (a few per city for the progress reports).

Each reminder has a ``key`` naming it (kind, object, period): a user gets a reminder with a
given key once, ever. The rules:

* ``figures_due`` — month M's figures are due by day N of month M+1 (``ReminderSettings``,
  default 10). From ``LEAD_DAYS`` days before that day, each region official of a region of
  the city without an official figure for M (and no submission awaiting verification), and
  the city's commerce staff (one reminder naming the regions without an official figure),
  are reminded, once for month M.
* ``report_due`` — a quarter's progress reports are due 10 days after it ends
  (``tasks.progress.due_date``). From ``LEAD_DAYS`` days before, each officer of a department
  with a task of the plan in force and no report for that quarter is reminded, once a quarter.
* ``difficulty_open`` — a difficulty still not resolved more than 30 days after it was raised
  (``projects.alerts.DIFFICULTY_OPEN_DAYS``): the city's staff, the officials of the
  project's region and the officers of the responsible department, once.
* ``complaint_overdue`` — a complaint not answered by its deadline: the city's staff and the
  handling department's officers, once.
* ``leader_missing`` — a project a rule of the plan says needs a city leader and that has none
  (``projects.alerts.with_alerts``): the city's staff, once per project.
* ``weekly_digest`` — each user who leads projects (``Project.leader``) gets, once a week
  (ISO week), the list of their projects with their stage and open difficulties and complaints.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from fdi_portal.models import City, Membership, Region, Role
from notifications.models import Kind, ReminderSettings

#: Days before a due date from which its reminder goes out.
LEAD_DAYS = 3
DEFAULT_DUE_DAY = 10


@dataclass(frozen=True)
class Reminder:
    """One reminder to one user."""

    user_id: int
    username: str
    email: str
    kind: str
    key: str
    object_type: str
    object_id: int | None
    label: str  # what it is about, in words (上思县 2021年6月)
    title: str
    due: dt.date | None
    url: str
    body: str = ""

    def as_json(self) -> dict:
        """``{"user", "kind", "object", "due"}`` as ``send_reminders --format json`` prints."""
        return {
            "user": self.username,
            "kind": self.kind,
            "object": self.label,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass
class Members:
    """Active users by city and role, region and department (one query)."""

    staff: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    officials: dict[int, list] = field(default_factory=lambda: defaultdict(list))
    officers: dict[int, list] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def load(cls) -> Members:
        members = cls()
        for m in Membership.objects.filter(
            user__is_active=True,
            role__in=[Role.COMMERCE_STAFF, Role.REGION_OFFICIAL, Role.DEPARTMENT_OFFICER],
        ).select_related("user"):
            if m.role == Role.COMMERCE_STAFF and m.city_id:
                members.staff[m.city_id].append(m.user)
            elif m.role == Role.REGION_OFFICIAL and m.region_id:
                members.officials[m.region_id].append(m.user)
            elif m.role == Role.DEPARTMENT_OFFICER and m.department_id:
                members.officers[m.department_id].append(m.user)
        return members


def _remind(users: Iterable, **fields) -> list[Reminder]:
    seen, reminders = set(), []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        reminders.append(
            Reminder(user_id=user.pk, username=user.username, email=user.email or "", **fields)
        )
    return reminders


def _previous_month(day: dt.date) -> tuple[int, int]:
    return (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)


def figures_due(today: dt.date, members: Members) -> list[Reminder]:
    """Month M (the month before ``today``'s) still without an official figure. Four
    queries."""
    year, month = _previous_month(today)
    due_days = dict(ReminderSettings.objects.values_list("city_id", "figures_due_day"))
    reported = set(
        Region.objects.filter(figures__year=year, figures__month=month).values_list("pk", flat=True)
    )
    # Submitted by the county and awaiting the bureau's verification: the official has done
    # their part (staff are still reminded: the official figure is missing until verified).
    submitted = set(
        Region.objects.filter(
            submissions__year=year, submissions__month=month, submissions__status="submitted"
        ).values_list("pk", flat=True)
    )
    missing: dict[int, list[Region]] = defaultdict(list)
    cities: dict[int, City] = {}
    for region in (
        Region.objects.assessed().select_related("city").order_by("city_id", "order", "name")
    ):
        if region.pk not in reported:
            missing[region.city_id].append(region)
            cities[region.city_id] = region.city
    reminders = []
    for city_id, regions in missing.items():
        city = cities[city_id]
        due = dt.date(today.year, today.month, due_days.get(city_id, DEFAULT_DUE_DAY))
        if today < due - dt.timedelta(days=LEAD_DAYS):
            continue
        url = reverse("assessments:figure_grid", args=[city.admin_code, year])
        period = f"{year}-{month:02d}"
        for region in regions:
            if region.pk in submitted:
                continue
            label = f"{region.name} {year}年{month}月"
            reminders += _remind(
                members.officials[region.pk],
                kind=Kind.FIGURES_DUE,
                key=f"figures_due:region:{region.pk}:{period}",
                object_type="region",
                object_id=region.pk,
                label=label,
                title=_(
                    "The utilised-FDI figure of %(region)s for %(month)s/%(year)s is due by "
                    "%(due)s."
                )
                % {"region": region.name, "month": month, "year": year, "due": due.isoformat()},
                due=due,
                url=url,
            )
        names = _(", ").join(region.name for region in regions)
        reminders += _remind(
            members.staff[city_id],
            kind=Kind.FIGURES_DUE,
            key=f"figures_due:city:{city_id}:{period}",
            object_type="city",
            object_id=city_id,
            label=f"{city.name} {year}年{month}月：{names}",
            title=_("Figures for %(month)s/%(year)s still missing, due by %(due)s: %(regions)s.")
            % {"month": month, "year": year, "due": due.isoformat(), "regions": names},
            due=due,
            url=url,
        )
    return reminders


def _last_quarter(today: dt.date) -> tuple[int, int]:
    """The last quarter that ended before ``today``."""
    quarter = (today.month - 1) // 3  # 0 = the quarter before this year's first
    return (today.year, quarter) if quarter else (today.year - 1, 4)


def reports_due(today: dt.date, members: Members) -> list[Reminder]:
    """Departments that have not reported on their tasks for the last quarter, from
    ``LEAD_DAYS`` before the due date. One query for the cities, then three per city
    (its plan, its assignments, its reports)."""
    from assessments.loaders import plan_for
    from tasks.models import Assignment, ProgressReport
    from tasks.progress import due_date, quarter_end

    year, quarter = _last_quarter(today)
    due = due_date(year, quarter)
    if today < due - dt.timedelta(days=LEAD_DAYS):
        return []
    reminders = []
    for city in City.objects.order_by("pk"):
        plan = plan_for(city, year)
        if plan is None or (plan.issued_on and plan.issued_on > quarter_end(year, quarter)):
            continue  # nothing was expected of a plan issued after the quarter
        expected = set(
            Assignment.objects.filter(task__plan=plan, department__isnull=False).values_list(
                "task_id", "department_id"
            )
        )
        filed = set(
            ProgressReport.objects.filter(task__plan=plan, year=year, quarter=quarter).values_list(
                "task_id", "department_id"
            )
        )
        missing: dict[int, int] = defaultdict(int)
        for _task, department in expected - filed:
            missing[department] += 1
        for department_id, count in sorted(missing.items()):
            users = members.officers[department_id]
            if not users:
                continue
            reminders += _remind(
                users,
                kind=Kind.REPORT_DUE,
                key=f"report_due:department:{department_id}:{year}-Q{quarter}",
                object_type="department",
                object_id=department_id,
                label=f"{year}年第{quarter}季度：{count}项任务",
                title=_(
                    "%(count)s task progress reports for Q%(quarter)s %(year)s are due by %(due)s."
                )
                % {"count": count, "quarter": quarter, "year": year, "due": due.isoformat()},
                due=due,
                url=reverse("tasks:unit_detail", args=[plan.pk, department_id]),
            )
    return reminders


def project_alerts(today: dt.date, members: Members) -> list[Reminder]:
    """Difficulties open over 30 days, complaints past their deadline, projects without the
    city leader a rule requires. Three queries."""
    from projects.alerts import DIFFICULTY_OPEN_DAYS, with_alerts
    from projects.models import Complaint, Difficulty, Project

    reminders = []
    cutoff = today - dt.timedelta(days=DIFFICULTY_OPEN_DAYS)
    for difficulty in (
        Difficulty.objects.filter(raised_on__lt=cutoff)
        .exclude(status=Difficulty.Status.RESOLVED)
        .select_related("project")
        .order_by("raised_on", "pk")
    ):
        project = difficulty.project
        reminders += _remind(
            [
                *members.staff[project.city_id],
                *members.officials[project.region_id],
                *(members.officers[difficulty.department_id] if difficulty.department_id else []),
            ],
            kind=Kind.DIFFICULTY_OPEN,
            key=f"difficulty_open:{difficulty.pk}",
            object_type="difficulty",
            object_id=difficulty.pk,
            label=f"{project.name}：{difficulty.text[:40]}",
            title=_(
                "A difficulty of %(project)s raised on %(raised)s has been open for more than "
                "%(days)s days."
            )
            % {
                "project": project.name,
                "raised": difficulty.raised_on.isoformat(),
                "days": DIFFICULTY_OPEN_DAYS,
            },
            due=difficulty.raised_on + dt.timedelta(days=DIFFICULTY_OPEN_DAYS),
            url=reverse("projects:project_detail", args=[project.pk]),
        )
    for complaint in (
        Complaint.objects.filter(status=Complaint.Status.RECEIVED, deadline__lt=today)
        .select_related("project")
        .order_by("deadline", "pk")
    ):
        project = complaint.project
        reminders += _remind(
            [
                *members.staff[project.city_id],
                *(members.officers[complaint.handler_id] if complaint.handler_id else []),
            ],
            kind=Kind.COMPLAINT_OVERDUE,
            key=f"complaint_overdue:{complaint.pk}",
            object_type="complaint",
            object_id=complaint.pk,
            label=f"{project.name}：{complaint.text[:40]}",
            title=_("A complaint about %(project)s was not answered by its deadline %(due)s.")
            % {"project": project.name, "due": complaint.deadline.isoformat()},
            due=complaint.deadline,
            url=reverse("projects:project_detail", args=[project.pk]),
        )
    for project in (
        with_alerts(Project.objects.all(), today=today).filter(leader_missing=True).order_by("pk")
    ):
        reminders += _remind(
            members.staff[project.city_id],
            kind=Kind.LEADER_MISSING,
            key=f"leader_missing:{project.pk}",
            object_type="project",
            object_id=project.pk,
            label=project.name,
            title=_("%(project)s needs a city leader under the plan's rules and has none.")
            % {"project": project.name},
            due=None,
            url=reverse("projects:project_detail", args=[project.pk]),
        )
    return reminders


def weekly_digests(today: dt.date) -> list[Reminder]:
    """Each leader's projects, once per ISO week. One query."""
    from projects.models import Difficulty, Project

    iso_year, week, weekday = today.isocalendar()
    monday = today - dt.timedelta(days=weekday - 1)
    projects = (
        Project.objects.filter(leader__isnull=False, leader__is_active=True)
        .select_related("leader")
        .annotate(
            open_difficulties=Count(
                "difficulties", filter=~Q(difficulties__status=Difficulty.Status.RESOLVED)
            )
        )
        .order_by("leader_id", "name")
    )
    by_leader: dict[int, list] = defaultdict(list)
    for project in projects:
        by_leader[project.leader_id].append(project)
    reminders = []
    for items in by_leader.values():
        leader = items[0].leader
        lines = [
            _("%(project)s — %(stage)s, %(difficulties)s open difficulties")
            % {
                "project": p.name,
                "stage": p.get_stage_display(),
                "difficulties": p.open_difficulties,
            }
            for p in items
        ]
        reminders += _remind(
            [leader],
            kind=Kind.WEEKLY_DIGEST,
            key=f"weekly_digest:{iso_year}-W{week:02d}",
            object_type="user",
            object_id=leader.pk,
            label=f"{iso_year}年第{week}周：{len(items)}个项目",
            title=_("Your projects this week (%(count)s).") % {"count": len(items)},
            due=monday,
            url=reverse("projects:project_list"),
            body="\n".join(lines),
        )
    return reminders


def due_reminders(today: dt.date) -> list[Reminder]:
    """Every reminder due on ``today``, before removing those already sent."""
    members = Members.load()
    return [
        *figures_due(today, members),
        *reports_due(today, members),
        *project_alerts(today, members),
        *weekly_digests(today),
    ]
