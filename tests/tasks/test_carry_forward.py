"""Carrying a plan forward to a new year, and this year's demo plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments.models import CityTarget, ProgressSchedule, ScoringScheme
from projects.alerts import rule_specs
from projects.models import ProjectRule
from tasks.carry_forward import carry_forward_plan, restate_goal_text, shift_year_words
from tasks.demo import load_demo_plans, remove_demo_plans
from tasks.models import Assignment, Goal, Plan, ProgressReport, Task
from tests.tasks.conftest import WW_TITLE

FCG_2026 = "2026年防城港市扩大利用外资规模工作方案"


# --------------------------------------------------------------------------- pure helpers


def test_only_the_plans_own_year_moves_in_a_text():
    text = "落实好《鼓励外商投资产业目录（2020年版）》，2021年新登记，2021 年底前"
    assert shift_year_words(text, 2021, 2026) == (
        "落实好《鼓励外商投资产业目录（2020年版）》，2026年新登记，2026 年底前"
    )


def test_a_new_money_target_is_written_in_the_unit_the_goal_text_uses():
    text = "2026年全市实际利用外资工作目标7000万美元（含投资性公司投资，下同）"
    assert restate_goal_text(text, Decimal("70000000"), Decimal("82500000"), "美元") == (
        "2026年全市实际利用外资工作目标8250万美元（含投资性公司投资，下同）"
    )


def test_a_new_percentage_replaces_the_old_one_and_not_a_longer_number():
    assert restate_goal_text("增长120%，落地率20%以上", Decimal(20), Decimal(25), "%") == (
        "增长120%，落地率25%以上"
    )


def test_a_target_not_written_in_the_text_leaves_the_text_alone():
    assert restate_goal_text("同比增长", Decimal(20), Decimal(25), "%") == "同比增长"


# --------------------------------------------------------------------------- the service


@pytest.mark.django_db
def test_carrying_the_fcg_plan_to_2026_copies_goals_tasks_units_settings_and_rules(fcg_plan, clerk):
    ProgressReport.objects.create(
        task=Task.objects.get(plan=fcg_plan, order=9),
        department=Assignment.objects.filter(task__plan=fcg_plan, task__order=9)
        .exclude(department=None)
        .first()
        .department,
        year=2021,
        quarter=1,
        status="done",
        narrative="已完成",
        submitted_by=clerk,
    )
    result = carry_forward_plan(plan=fcg_plan, year=2026, user=clerk)
    new = result.plan
    assert (new.title, new.year, new.carried_from, new.is_demo) == (
        FCG_2026,
        2026,
        fcg_plan,
        False,
    )
    goals = list(new.goals.order_by("order"))
    assert [g.text for g in goals] == [
        "“行企助力转型升级”行动签约外商新投资项目（2026年新登记）1个以上",
        "“三企入桂”和“行企助力转型升级”行动中签约的外商新投资项目落地率20%以上",
        "已落地项目在2026年实际到位外资额占当年全市利用外资总额不低于20%",
        "2026年全市实际利用外资工作目标7000万美元（含投资性公司投资，下同）",
        "同比增长20%以上",
    ]
    assert goals[4].subject == "2026年全市实际利用外资同比增长"
    assert new.tasks.count() == 23
    assert Assignment.objects.filter(task__plan=new).count() == 83
    # 二（四）二是 keeps its quotas and its units, under its copied parent 二（四）
    task = new.tasks.get(order=10)
    assert task.parent.label == "（四）"
    assert task.parent.plan == new
    assert [r["quantity"] for r in task.requirements] == [2, 4]
    assert not ProgressReport.objects.filter(task__plan=new).exists()
    schedule, scheme = ProgressSchedule.objects.get(plan=new), ScoringScheme.objects.get(plan=new)
    assert schedule.label == "默认方案，可调整（序时进度：月数/12）"
    assert scheme.label == "默认方案，可调整"
    assert scheme.indicators == ScoringScheme.objects.get(plan=fcg_plan).indicators
    assert ProjectRule.objects.filter(plan=new).count() == 1
    # the 1500万美元 rule is not counted twice for the city's projects
    assert [s.consequence_code for s in rule_specs([fcg_plan.city_id])[fcg_plan.city_id]] == [
        "major_project_leader"
    ]


@pytest.mark.django_db
def test_the_new_goals_set_the_new_years_city_target(fcg_plan, clerk):
    carry_forward_plan(
        plan=fcg_plan, year=2026, user=clerk, targets={4: Decimal("80000000"), 5: Decimal(25)}
    )
    goal = Goal.objects.get(plan__year=2026, plan__city=fcg_plan.city, order=4)
    assert goal.text == "2026年全市实际利用外资工作目标8000万美元（含投资性公司投资，下同）"
    target = CityTarget.objects.get(city=fcg_plan.city, year=2026)
    assert (target.target_usd, target.growth_target, target.is_demo) == (
        Decimal("80000000.00"),
        Decimal("0.2500"),
        False,
    )


@pytest.mark.django_db
def test_a_different_stored_city_target_is_replaced_only_when_confirmed(fcg_plan, clerk):
    CityTarget.objects.create(city=fcg_plan.city, year=2026, target_usd=Decimal("60000000"))
    with translation.override("en"), pytest.raises(ValidationError, match="Confirm"):
        carry_forward_plan(plan=fcg_plan, year=2026, user=clerk)
    assert not Plan.objects.filter(city=fcg_plan.city, year=2026).exists()
    carry_forward_plan(plan=fcg_plan, year=2026, user=clerk, replace_city_target=True)
    assert CityTarget.objects.get(city=fcg_plan.city, year=2026).target_usd == Decimal(
        "70000000.00"
    )


@pytest.mark.django_db
def test_a_year_that_already_has_a_plan_is_refused(fcg_plan, clerk):
    with translation.override("en"), pytest.raises(ValidationError, match="has a plan for 2021"):
        carry_forward_plan(plan=fcg_plan, year=2021, user=clerk)


@pytest.mark.django_db
def test_a_plan_without_a_year_in_its_title_gets_the_year_in_brackets(ww_plan, clerk):
    new = carry_forward_plan(plan=ww_plan, year=2026, user=clerk).plan
    assert new.title == f"{WW_TITLE}（2026年）"
    assert new.tasks.count() == 22  # 一、总体要求 is prose only: not a task
    assert ProjectRule.objects.filter(plan=new).count() == 4


@pytest.mark.django_db
def test_deadline_dates_move_with_the_year(fcg_plan, clerk):
    Task.objects.filter(plan=fcg_plan, order=9).update(
        deadline="2021年10月底前", deadline_on=dt.date(2021, 10, 31)
    )
    new = carry_forward_plan(plan=fcg_plan, year=2026, user=clerk).plan
    task = new.tasks.get(order=9)
    assert (task.deadline, task.deadline_on) == ("2026年10月底前", dt.date(2026, 10, 31))


# --------------------------------------------------------------------------- the page


@pytest.mark.django_db
def test_staff_see_the_button_and_carry_the_plan_forward(client, clerk, fcg_plan):
    client.force_login(clerk)
    detail = client.get(reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}))
    url = reverse("tasks:plan_carry_forward", kwargs={"pk": fcg_plan.pk})
    assert url in detail.content.decode()
    form = client.get(url)
    assert form.context["form"]["goal_4"].value() == "7000"
    data = {f"goal_{n}": v for n, v in ((1, "1"), (2, "20"), (3, "20"), (4, "7500"), (5, "20"))}
    response = client.post(url, {"year": "2026", **data})
    new = Plan.objects.get(city=fcg_plan.city, year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:plan_detail", kwargs={"pk": new.pk})
    assert CityTarget.objects.get(city=fcg_plan.city, year=2026).target_usd == Decimal(
        "75000000.00"
    )


@pytest.mark.django_db
def test_the_form_refuses_a_year_with_a_plan_and_asks_before_replacing_a_target(
    client, clerk, fcg_plan
):
    client.force_login(clerk)
    url = reverse("tasks:plan_carry_forward", kwargs={"pk": fcg_plan.pk})
    refused = client.post(url, {"year": "2021", "goal_4": "7000"})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors()
    CityTarget.objects.create(city=fcg_plan.city, year=2027, target_usd=Decimal("60000000"))
    asked = client.post(url, {"year": "2027", "goal_4": "7000"})
    assert asked.status_code == 200
    assert 'name="replace_city_target"' in asked.content.decode()
    confirmed = client.post(url, {"year": "2027", "goal_4": "7000", "replace_city_target": "on"})
    assert confirmed.status_code == 302


@pytest.mark.django_db
def test_a_leader_does_not_see_the_button(client, leader, fcg_plan):
    client.force_login(leader)
    detail = client.get(reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}))
    assert "carry-forward" not in detail.content.decode()


# --------------------------------------------------------------------------- the demo


@pytest.mark.django_db
def test_the_demo_gives_each_seed_city_this_years_plan_and_keeps_its_demo_target(fcg_plan, ww_plan):
    demo_target = CityTarget.objects.create(
        city=fcg_plan.city, year=2026, target_usd=Decimal("138167587.96"), is_demo=True
    )
    today = dt.date(2026, 12, 1)
    assert load_demo_plans(today) == 2
    plans = {p.city_id: p for p in Plan.objects.filter(is_demo=True, year=2026)}
    assert plans[fcg_plan.city_id].title == FCG_2026
    assert plans[ww_plan.city_id].title == f"{WW_TITLE}（2026年）"
    demo_target.refresh_from_db()
    assert (demo_target.target_usd, demo_target.is_demo) == (Decimal("138167587.96"), True)
    # a second run keeps the same plans (their pages keep their addresses)
    assert load_demo_plans(today) == 0
    assert set(Plan.objects.filter(is_demo=True).values_list("pk", flat=True)) == {
        p.pk for p in plans.values()
    }
    assert remove_demo_plans() > 0
    assert not Plan.objects.filter(is_demo=True).exists()
    assert Plan.objects.filter(pk__in=[fcg_plan.pk, ww_plan.pk]).count() == 2


@pytest.mark.django_db
def test_a_city_with_a_real_plan_for_the_year_gets_no_demo_plan(fcg_plan, ww_plan, clerk):
    carry_forward_plan(plan=fcg_plan, year=2026, user=clerk)
    assert load_demo_plans(dt.date(2026, 3, 1)) == 1
    assert not Plan.objects.filter(is_demo=True, city=fcg_plan.city).exists()


# --------------------------------------------------------------------------- a plan's years


@pytest.mark.parametrize(
    ("fields", "label", "covered", "not_covered"),
    [
        ({"year": 2021}, "2021年", [2021], [2020, 2022]),
        ({"issued_on": dt.date(2023, 10, 13)}, "2023年起", [2023, 2027], [2022]),
        ({"first_year": 2021, "last_year": 2023}, "2021—2023年", [2021, 2023], [2020, 2024]),
    ],
)
def test_a_plan_states_the_years_it_covers(fields, label, covered, not_covered):
    plan = Plan(title="方案", **fields)
    assert plan.years_label == label
    assert all(plan.covers(y) for y in covered)
    assert not any(plan.covers(y) for y in not_covered)


@pytest.mark.django_db
def test_a_three_year_plan_imports_with_its_span(fangchenggang):
    from tasks.services import import_plan

    text = "2021—2023年利用外资三年行动方案\n\n一、主要任务\n（一）开展招商。（市商务局牵头）\n"
    plan = import_plan(city=fangchenggang, text=text).plan
    assert (plan.year, plan.first_year, plan.last_year) == (None, 2021, 2023)


@pytest.mark.django_db
def test_the_supervision_follows_the_plan_that_covers_the_year(ww_plan):
    from assessments.loaders import plan_for

    two_years = Plan.objects.create(
        city=ww_plan.city,
        title="2024—2025年利用外资行动方案",
        first_year=2024,
        last_year=2025,
        issued_on=dt.date(2023, 12, 20),
    )
    # the seed plan (issued 13 October 2023, open-ended) governs 2023 and, after 2025, again
    assert plan_for(ww_plan.city, 2023) == ww_plan
    assert plan_for(ww_plan.city, 2025) == two_years
    assert plan_for(ww_plan.city, 2026) == ww_plan
    annual = carry_forward_plan(plan=ww_plan, year=2026, user=None).plan
    assert plan_for(ww_plan.city, 2026) == annual
