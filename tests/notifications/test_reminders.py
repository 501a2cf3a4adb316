"""Reminders: what is due on a given day, to whom, sent once (bell and email), the command's
JSON, the notification centre. Dates and counts worked out by hand in each test."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from assessments.models import MonthlyFigure
from fdi_portal.models import Department, Region, Role
from notifications.models import Notification, ReminderSettings
from notifications.services import send_reminders
from projects.models import Complaint, Difficulty
from tasks.models import Assignment, ProgressReport
from tests.conftest import make_user
from tests.projects.conftest import make_project

D = dt.date


def _figures(city, year: int, month: int, *, except_: tuple[str, ...]) -> None:
    """Every assessed region of ``city`` reports ``month``, except those named."""
    for region in Region.objects.in_city(city).assessed().exclude(name__in=except_):
        MonthlyFigure.objects.create(
            region=region, year=year, month=month, amount_usd=Decimal(100000)
        )


def _mine(reminders, user) -> list:
    return [r for r in reminders if r.user_id == user.pk]


@pytest.fixture
def june_missing_shangsi(fangchenggang):
    _figures(fangchenggang, 2021, 6, except_=("上思县",))
    return fangchenggang


def test_figures_are_reminded_from_three_days_before_day_10(
    june_missing_shangsi, clerk, shangsi_official, dongxing_official
):
    # June's figures are due by 10 July; reminders start on 7 July (10 − 3), not on the 6th.
    assert send_reminders(today=D(2021, 7, 6), dry_run=True) == []
    reminders = send_reminders(today=D(2021, 7, 7), dry_run=True)
    (official,) = _mine(reminders, shangsi_official)
    assert (official.kind, official.due, official.label) == (
        "figures_due",
        D(2021, 7, 10),
        "上思县 2021年6月",
    )
    (staff,) = _mine(reminders, clerk)
    assert staff.label == "防城港市 2021年6月：上思县"
    # 东兴市 reported June: its official gets nothing.
    assert _mine(reminders, dongxing_official) == []


def test_the_due_day_is_a_city_setting(june_missing_shangsi, shangsi_official):
    ReminderSettings.objects.create(city=june_missing_shangsi, figures_due_day=15)
    # due 15 July → from 12 July
    assert _mine(send_reminders(today=D(2021, 7, 11), dry_run=True), shangsi_official) == []
    (reminder,) = _mine(send_reminders(today=D(2021, 7, 12), dry_run=True), shangsi_official)
    assert reminder.due == D(2021, 7, 15)


def test_a_reminder_goes_out_once_in_the_bell_and_by_email(
    june_missing_shangsi, clerk, shangsi_official
):
    shangsi_official.email = "shangsi@example.gov.cn"
    shangsi_official.save()
    first = send_reminders(today=D(2021, 7, 11))
    assert len(_mine(first, shangsi_official)) == 1
    # Run again (cron twice, or the next day): nothing twice.
    assert send_reminders(today=D(2021, 7, 11)) == []
    assert send_reminders(today=D(2021, 7, 12)) == []
    notification = Notification.objects.get(user=shangsi_official)
    assert notification.read_at is None
    assert notification.emailed_at is not None
    # The clerk has no address: in the bell only.
    assert Notification.objects.filter(user=clerk).count() == 1
    assert [m.to for m in mail.outbox] == [["shangsi@example.gov.cn"]]
    assert "上思县" in mail.outbox[0].subject


def test_a_figure_entered_in_time_stops_the_reminder(june_missing_shangsi, shangsi_official):
    MonthlyFigure.objects.create(
        region=Region.objects.get(name="上思县"), year=2021, month=6, amount_usd=Decimal(1)
    )
    assert send_reminders(today=D(2021, 7, 11), dry_run=True) == []


def test_progress_reports_of_the_last_quarter_are_reminded_to_the_department(
    fangchenggang, investment_officer
):
    # Q2 2021 ends 30 June; reports due 10 July; reminders from 7 July.
    department = Department.objects.get(city=fangchenggang, name="防城港市投资促进局")
    tasks = sorted(
        set(
            Assignment.objects.filter(
                department=department, task__plan__city=fangchenggang
            ).values_list("task_id", flat=True)
        )
    )
    # All but two of its tasks reported: the reminder counts 2.
    for task_id in tasks[2:]:
        ProgressReport.objects.create(
            task_id=task_id,
            department=department,
            year=2021,
            quarter=2,
            status="in_progress",
            narrative="…",
            submitted_by=investment_officer,
        )
    assert _mine(send_reminders(today=D(2021, 7, 6), dry_run=True), investment_officer) == []
    (reminder,) = _mine(send_reminders(today=D(2021, 7, 7), dry_run=True), investment_officer)
    assert (reminder.kind, reminder.due, reminder.label) == (
        "report_due",
        D(2021, 7, 10),
        "2021年第2季度：2项任务",
    )


def test_project_alerts_difficulty_complaint_and_missing_leader(
    fangchenggang, clerk, shangsi_official
):
    project = make_project(fangchenggang, "上思县", name="上思县测试项目")
    # Raised 1 June: open over 30 days from 2 July (1 June + 30 days = 1 July is not yet over).
    Difficulty.objects.create(
        project=project, raised_on=D(2021, 6, 1), category="land", text="用地"
    )
    Complaint.objects.create(
        project=project, received_on=D(2021, 6, 1), text="审批慢", deadline=D(2021, 6, 30)
    )
    on_first = {r.kind for r in _mine(send_reminders(today=D(2021, 7, 1), dry_run=True), clerk)}
    assert "difficulty_open" not in on_first
    assert "complaint_overdue" in on_first  # 30 June has passed
    reminders = send_reminders(today=D(2021, 7, 2), dry_run=True)
    difficulty = [r for r in _mine(reminders, shangsi_official) if r.kind == "difficulty_open"]
    assert [(r.label, r.due) for r in difficulty] == [("上思县测试项目：用地", D(2021, 7, 1))]
    # The complaint goes to staff (no handler department), not to the official.
    assert "complaint_overdue" not in {r.kind for r in _mine(reminders, shangsi_official)}


def test_a_leader_gets_a_weekly_digest_once_a_week(fangchenggang, leader):
    make_project(fangchenggang, "上思县", name="甲项目", leader=leader)
    make_project(fangchenggang, "东兴市", name="乙项目", leader=leader)
    # Wednesday 7 July 2021 is in ISO week 27, which starts on Monday 5 July.
    (digest,) = _mine(send_reminders(today=D(2021, 7, 7)), leader)
    assert (digest.kind, digest.due, digest.label) == (
        "weekly_digest",
        D(2021, 7, 5),
        "2021年第27周：2个项目",
    )
    assert "甲项目" in digest.body
    assert "乙项目" in digest.body
    assert _mine(send_reminders(today=D(2021, 7, 11)), leader) == []  # Sunday, same week
    assert len(_mine(send_reminders(today=D(2021, 7, 12)), leader)) == 1  # next Monday


def test_the_command_prints_json_and_a_dry_run_sends_nothing(
    june_missing_shangsi, shangsi_official, capsys
):
    call_command("send_reminders", today=D(2021, 7, 11), dry_run=True, format="json")
    data = json.loads(capsys.readouterr().out)
    assert {
        "user": "shangsi",
        "kind": "figures_due",
        "object": "上思县 2021年6月",
        "due": "2021-07-10",
    } in data["reminders"]
    assert set(data["reminders"][0]) == {"user", "kind", "object", "due"}
    assert not Notification.objects.exists()
    call_command("send_reminders", today=D(2021, 7, 11), format="json")
    call_command("send_reminders", today=D(2021, 7, 11), format="json")
    second = json.loads(capsys.readouterr().out.split("\n}\n")[1] + "\n}")
    assert second == {"reminders": []}
    assert Notification.objects.filter(user=shangsi_official).count() == 1


def test_the_bell_counts_unread_and_the_list_marks_read(
    june_missing_shangsi, shangsi_official, client, django_assert_max_num_queries
):
    send_reminders(today=D(2021, 7, 11))
    client.force_login(shangsi_official)
    count = reverse("notifications:unread_count")
    with django_assert_max_num_queries(6):  # the request's own (session, user, …) and the count
        assert client.get(count).json() == {"unread": 1}
    # The page itself spends no query on the bell: static/js/notifications.js fetches it.
    assert (
        'data-unread-url="/reminders/unread.json"' in client.get(reverse("home")).content.decode()
    )
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("notifications:list"))
    (notification,) = listing.context["notifications"]
    opened = client.post(reverse("notifications:open", args=[notification.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("assessments:figure_grid", args=["450600", 2021])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert client.get(count).json() == {"unread": 0}


def test_the_list_paginates_and_shows_only_ones_own(clerk, shangsi_official, client):
    for i in range(30):
        Notification.objects.create(
            user=clerk, kind="leader_missing", key=f"k{i}", object_type="project", title=f"第{i}条"
        )
    Notification.objects.create(
        user=shangsi_official, kind="leader_missing", key="x", object_type="project", title="别人的"
    )
    client.force_login(clerk)
    first = client.get(reverse("notifications:list"))
    assert len(first.context["notifications"]) == 25
    second = client.get(reverse("notifications:list") + "?page=2")
    assert len(second.context["notifications"]) == 5
    assert "别人的" not in first.content.decode() + second.content.decode()
    # Someone else's notification cannot be opened (nor marked read).
    other = Notification.objects.get(user=shangsi_official)
    client.post(reverse("notifications:open", args=[other.pk]))
    other.refresh_from_db()
    assert other.read_at is None


def test_region_official_role_is_needed_for_region_reminders(fangchenggang, clerk):
    # A region official of a park (not assessed) gets no figure reminder.
    park = Region.objects.filter(city=fangchenggang, assessed=False).first()
    if park is None:
        pytest.skip("no park in the seed")
    park_user = make_user("park", Role.REGION_OFFICIAL, city=fangchenggang, region=park)
    assert _mine(send_reminders(today=D(2021, 7, 11), dry_run=True), park_user) == []


def test_a_submitted_figure_stops_the_officials_reminder_not_the_staffs(
    june_missing_shangsi, clerk, shangsi_official
):
    from assessments.models import FigureSubmission

    FigureSubmission.objects.create(
        region=Region.objects.get(name="上思县"),
        year=2021,
        month=6,
        amount_usd=Decimal(500000),
        status="submitted",
        submitted_by=shangsi_official,
        submitted_at=dt.datetime(2021, 7, 9, 9, tzinfo=dt.UTC),
    )
    reminders = send_reminders(today=D(2021, 7, 11), dry_run=True)
    assert _mine(reminders, shangsi_official) == []
    # Not verified yet: no official figure, staff are still reminded to verify it.
    assert [r.label for r in _mine(reminders, clerk)] == ["防城港市 2021年6月：上思县"]
