"""Progress reports only for the plan's quarters already begun, and the matrix's cells opened:
each unit's report and the units still missing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from fdi_portal.models import Department
from tasks import progress
from tasks.carry_forward import carry_forward_plan
from tasks.models import ProgressReport, Task
from tasks.services import submit_report

INVEST = "防城港市投资促进局"


def problem(start, end, issued_on, year, quarter, today=dt.date(2026, 12, 1)):
    with translation.override("en"):
        return progress.period_problem(
            start_year=start,
            end_year=end,
            issued_on=issued_on,
            year=year,
            quarter=quarter,
            today=today,
        )


# --------------------------------------------------------------------------- pure rules


def test_a_quarter_of_the_annual_plans_year_can_be_reported():
    assert problem(2021, 2021, None, 2021, 4) is None


def test_a_year_outside_the_annual_plan_is_refused_with_the_plans_years():
    assert problem(2021, 2021, None, 2027, 3) == (
        "The plan covers 2021: report on a quarter of those years."
    )


def test_a_quarter_before_the_one_the_plan_was_issued_in_is_refused():
    issued = dt.date(2023, 10, 13)  # Wuwei: Q4 2023 is its first quarter
    assert problem(2023, None, issued, 2023, 3) == (
        "The plan was issued on 2023-10-13: its first quarter to report on is 2023 Q4."
    )
    assert problem(2023, None, issued, 2023, 4) is None
    assert problem(2023, None, issued, 2026, 4) is None


def test_a_quarter_not_begun_is_refused_and_one_begun_today_is_accepted():
    assert problem(2026, 2026, None, 2026, 4, today=dt.date(2026, 9, 30)) == (
        "2026 Q4 has not begun yet."
    )
    assert problem(2026, 2026, None, 2026, 4, today=dt.date(2026, 10, 1)) is None


def test_the_form_offers_the_plans_years_begun_latest_first():
    assert progress.reportable_years(2021, 2021, None, dt.date(2026, 12, 1)) == [2021]
    assert progress.reportable_years(2023, None, None, dt.date(2026, 12, 1)) == [
        2026,
        2025,
        2024,
        2023,
    ]
    assert progress.reportable_years(2027, 2027, None, dt.date(2026, 12, 1)) == []


# --------------------------------------------------------------------------- service and form


@pytest.mark.django_db
def test_the_service_refuses_2027_q3_against_the_2021_plan(fcg_plan, investment_officer):
    task = Task.objects.get(plan=fcg_plan, order=9)
    department = investment_officer.membership.department
    with translation.override("en"), pytest.raises(ValidationError, match="covers 2021"):
        submit_report(
            task=task,
            department=department,
            year=2027,
            quarter=3,
            status="done",
            narrative="x",
            user=investment_officer,
            today=dt.date(2027, 8, 1),
        )
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_the_report_form_offers_only_2021_and_refuses_another_year(
    client, investment_officer, fcg_plan
):
    url = reverse(
        "tasks:report_create", kwargs={"task_pk": Task.objects.get(plan=fcg_plan, order=9).pk}
    )
    client.force_login(investment_officer)
    form = client.get(url).context["form"]
    assert list(form.fields["year"].choices) == [(2021, 2021)]
    response = client.post(url, {"year": 2027, "quarter": 3, "status": "done", "narrative": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["year"]
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_plan_not_begun_offers_no_year(client, clerk, investment_officer, fcg_plan):
    future = carry_forward_plan(plan=fcg_plan, year=2099, user=clerk).plan
    url = reverse("tasks:report_create", kwargs={"task_pk": future.tasks.get(order=9).pk})
    client.force_login(investment_officer)
    response = client.get(url)
    assert list(response.context["form"].fields["year"].choices) == []
    assert 'data-testid="not-begun"' in response.content.decode()


# --------------------------------------------------------------------------- a cell opened


def cell_url(plan, task, year, quarter):
    return reverse(
        "tasks:progress_cell",
        kwargs={"pk": plan.pk, "task_pk": task.pk, "year": year, "quarter": quarter},
    )


@pytest.mark.django_db
def test_a_cell_lists_the_units_report_and_the_five_units_still_missing(
    client, leader, investment_officer, fcg_plan, django_assert_max_num_queries
):
    task = Task.objects.get(plan=fcg_plan, order=10)  # 二（四）二是: 6 departments report
    investment_officer.first_name = "周强"
    investment_officer.save()
    ProgressReport.objects.create(
        task=task,
        department=Department.objects.get(city=fcg_plan.city, name=INVEST),
        year=2021,
        quarter=2,
        status="behind",
        narrative="专题招商活动已办1次",
        submitted_by=investment_officer,
    )
    client.force_login(leader)
    matrix = client.get(reverse("tasks:plan_progress", kwargs={"pk": fcg_plan.pk}), {"year": 2021})
    assert cell_url(fcg_plan, task, 2021, 2) in matrix.content.decode()
    # session, user, membership, plan, task, the tree (2), the reports: 9 whatever the count
    with django_assert_max_num_queries(9):
        response = client.get(cell_url(fcg_plan, task, 2021, 2))
    detail = response.context["detail"]
    assert detail.cell.status == "overdue"  # long past 10 July 2021 with 5 reports missing
    assert [(r.department.name, r.status) for r in detail.reports] == [(INVEST, "behind")]
    assert [u.name for u in detail.missing] == [
        "防城港市商务局",
        "防城港市发展和改革委员会",
        "防城港市工业和信息化局",
        "防城港市农业农村局",
        "中国国际贸易促进委员会防城港市委员会",
    ]
    body = response.content.decode()
    assert "专题招商活动已办1次" in body
    assert "周强" in body


@pytest.mark.django_db
def test_a_task_no_department_reports_on_has_no_cell(client, clerk, fcg_plan):
    task = Task.objects.get(plan=fcg_plan, order=6)  # 二（三）一是: 各县（市、区）人民政府 only
    client.force_login(clerk)
    assert client.get(cell_url(fcg_plan, task, 2021, 1)).status_code == 404


@pytest.mark.django_db
def test_a_region_official_may_not_open_a_cell(client, shangsi_official, fcg_plan):
    task = Task.objects.get(plan=fcg_plan, order=10)
    client.force_login(shangsi_official)
    assert client.get(cell_url(fcg_plan, task, 2021, 1)).status_code == 403


def test_the_matrix_opens_on_the_latest_year_of_the_plan_begun():
    from tasks.models import Plan
    from tasks.selectors import plan_year

    today = dt.date(2026, 12, 1)
    assert plan_year(Plan(year=2021), today) == 2021
    assert plan_year(Plan(issued_on=dt.date(2023, 10, 13)), today) == 2026  # Wuwei, open-ended
    assert plan_year(Plan(first_year=2021, last_year=2023), today) == 2023
    assert plan_year(Plan(first_year=2028, last_year=2030), today) == 2028
    assert plan_year(Plan(), today) == 2026
