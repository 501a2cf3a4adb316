"""Access rules of the tasks app's URLs, read by tests/test_access_matrix.py."""

from __future__ import annotations

from tests.access import Rule
from tests.tasks.conftest import FCG_TITLE


def fcg_plan(request) -> dict:
    from tasks.models import Plan

    request.getfixturevalue("seed")
    return {"pk": Plan.objects.get(city__admin_code="450600", title=FCG_TITLE).pk}


def fcg_unit(request) -> dict:
    from fdi_portal.models import Department

    department = Department.objects.get(city__admin_code="450600", name="防城港市投资促进局")
    return {**fcg_plan(request), "department_pk": department.pk}


def invest_task(request) -> dict:
    """二（四）一是, led by the 投资促进局."""
    from tasks.models import Task

    request.getfixturevalue("seed")
    task = Task.objects.get(plan__city__admin_code="450600", plan__title=FCG_TITLE, order=9)
    return {"task_pk": task.pk}


def invest_cell(request) -> dict:
    """二（四）一是 in 2021 Q1 on the progress matrix."""
    return {**fcg_plan(request), **invest_task(request), "year": 2021, "quarter": 1}


# Every role of the city reads its plans, a province viewer every plan of the province.
READ_PLAN = Rule(200, {"wuwei_clerk": 404, "stranger": 404}, kwargs=fcg_plan)

RULES: dict[str, Rule] = {
    "plan_list": Rule(200),
    # Commerce staff import into their own city; a superuser has no city to import into.
    "plan_import": Rule(403, {"clerk": 200, "wuwei_clerk": 200}),
    "plan_detail": READ_PLAN,
    # Only the city's own commerce staff carry its plans forward; a superuser has no city.
    "plan_carry_forward": Rule(403, {"clerk": 200, "wuwei_clerk": 404}, kwargs=fcg_plan),
    "plan_table": READ_PLAN,
    "plan_export": READ_PLAN,
    "unit_detail": Rule(200, {"wuwei_clerk": 404, "stranger": 404}, kwargs=fcg_unit),
    # Staff, leaders and province viewers see every unit's progress; another city's staff 404.
    "plan_progress": Rule(
        403,
        {
            "clerk": 200,
            "leader": 200,
            "province_viewer": 200,
            "superuser": 200,
            "wuwei_clerk": 404,
        },
        kwargs=fcg_plan,
    ),
    # A cell of the matrix: the same readers as the matrix.
    "progress_cell": Rule(
        403,
        {
            "clerk": 200,
            "leader": 200,
            "province_viewer": 200,
            "superuser": 200,
            "wuwei_clerk": 404,
        },
        kwargs=invest_cell,
    ),
    # Only an officer of a unit that owns the task reports on it.
    "report_create": Rule(403, {"investment_officer": 200}, kwargs=invest_task),
}
