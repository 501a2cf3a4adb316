"""Deadlines (完成时限): read from the text, dated, stored, and flagged on the progress matrix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tasks import selectors
from tasks.models import ProgressReport
from tasks.plan_text import deadline_date, parse_plan
from tasks.services import import_plan


@pytest.mark.parametrize(
    ("words", "year", "expected"),
    [
        ("2022年10月底前", None, dt.date(2022, 10, 31)),
        ("2024年2月底前", None, dt.date(2024, 2, 29)),  # a leap year
        ("年底前", 2023, dt.date(2023, 12, 31)),
        ("6月15日前", 2023, dt.date(2023, 6, 15)),
        ("2022年上半年", None, dt.date(2022, 6, 30)),
        ("三季度末前", 2021, dt.date(2021, 9, 30)),
        ("2025年前", None, dt.date(2025, 12, 31)),
        # two dates: the work is done by the later one
        ("2022年6月底前启动，2022年底前完成", None, dt.date(2022, 12, 31)),
        ("长期坚持", 2022, None),
        ("持续推进", 2022, None),
        ("每季度", 2022, None),
        ("年底前", None, None),  # no year to stand for
    ],
)
def test_deadline_words_give_the_date_they_name(words, year, expected):
    assert deadline_date(words, year) == expected


def test_a_deadline_field_in_a_bracket_or_on_its_own_line_is_kept_as_written():
    plan = parse_plan(
        "一、任务\n"
        "1.清单管理。编制清单。（市商务局牵头；完成时限：2022年10月底前）\n"
        "2.优化服务。内容。\n责任单位：市财政局\n完成时限：长期坚持\n"
        "3.公布事项。2022年10月底前编制并公布清单。（市政府办公室牵头）\n"
        "4.其他。内容。（市商务局牵头）\n"
    )
    first, second, third, fourth = plan.children("一")
    assert (first.lead, first.deadline, first.text) == (
        ("市商务局",),
        "2022年10月底前",
        "编制清单。",
    )
    # one 责任单位 alone leads its task
    assert (second.lead, second.deadline) == (("市财政局",), "长期坚持")
    # no field: the deadline phrase of the task's own text
    assert third.deadline == "2022年10月底前"
    assert fourth.deadline == ""
    assert plan.warnings == []


DOC = """2022年测试工作要点
一、任务
1.清单管理。编制清单。（市商务局牵头；完成时限：10月底前）
2.优化服务。内容。（市商务局牵头；完成时限：年底前）
3.长期工作。内容。（市商务局牵头；完成时限：长期坚持）
"""


def test_an_imported_plan_stores_the_deadline_words_and_their_date_in_the_plans_year(
    fangchenggang,
):
    plan = import_plan(city=fangchenggang, text=DOC).plan
    tasks = list(plan.tasks.order_by("order"))[1:]
    assert [(t.deadline, t.deadline_on) for t in tasks] == [
        ("10月底前", dt.date(2022, 10, 31)),
        ("年底前", dt.date(2022, 12, 31)),
        ("长期坚持", None),
    ]


def test_tasks_past_their_deadline_and_not_done_are_flagged_on_the_matrix(
    fangchenggang, clerk, client
):
    plan = import_plan(city=fangchenggang, text=DOC).plan
    first = plan.tasks.get(order=2)  # due 2022-10-31
    second = plan.tasks.get(order=3)  # due 2022-12-31
    ProgressReport.objects.create(
        task=second,
        department=second.assignments.get().department,
        year=2022,
        quarter=4,
        status="done",
        narrative="已完成",
        submitted_by=clerk,
    )
    on_the_day = selectors.progress_matrix(plan, year=2022, today=dt.date(2022, 10, 31))
    after = selectors.progress_matrix(plan, year=2022, today=dt.date(2022, 11, 1))
    assert [row.past_deadline for row in on_the_day.rows] == [False, False, False]
    # the first is late; the second reported done; the third has no date
    assert [row.past_deadline for row in after.rows] == [True, False, False]
    assert after.past_deadline == 1
    assert first.deadline == "10月底前"

    client.force_login(clerk)
    page = client.get(reverse("tasks:plan_progress", kwargs={"pk": plan.pk}), {"year": 2022})
    body = page.content.decode()
    assert 'data-testid="past-deadline"' in body
    assert body.count('data-past-deadline="1"') == 1
