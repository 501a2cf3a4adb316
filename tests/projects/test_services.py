"""Stage changes: validated, applied and logged; the rules command over the database."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from projects.models import Arrival, Complaint, Difficulty, Project, StageChange
from projects.services import change_stage, create_project
from tests.projects.conftest import make_project

D = dt.date


def test_creating_a_project_logs_its_first_stage(fangchenggang, clerk):
    from fdi_portal.models import Region

    project = Project(
        city=fangchenggang,
        region=Region.objects.get(city=fangchenggang, name="上思县"),
        name="新项目",
        stage="signed",
        signed_on=D(2021, 3, 1),
    )
    create_project(project=project, user=clerk, today=D(2021, 3, 5))
    change = StageChange.objects.get(project=project)
    assert (change.from_stage, change.to_stage, change.changed_on) == ("", "signed", D(2021, 3, 1))
    assert project.stage_changed_on == D(2021, 3, 1)


def test_landing_a_signed_project_sets_its_date_and_logs_the_change(shangsi_project, clerk):
    change_stage(project=shangsi_project, stage="landed", on=D(2021, 6, 1), user=clerk)
    shangsi_project.refresh_from_db()
    assert (shangsi_project.stage, shangsi_project.landed_on) == ("landed", D(2021, 6, 1))
    assert shangsi_project.stage_changed_on == D(2021, 6, 1)
    change = StageChange.objects.get(project=shangsi_project)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("signed", "landed", clerk)


def test_a_project_cannot_land_before_it_is_signed(fangchenggang, clerk):
    project = make_project(fangchenggang, name="未签约")
    with pytest.raises(ValidationError) as raised:
        change_stage(project=project, stage="landed", on=D(2021, 6, 1), user=clerk)
    assert "signed_on" in raised.value.message_dict
    project.refresh_from_db()
    assert project.stage == "negotiating"
    assert not StageChange.objects.filter(project=project).exists()


def test_a_landing_dated_before_the_signing_is_refused(shangsi_project, clerk):
    with pytest.raises(ValidationError) as raised:
        change_stage(project=shangsi_project, stage="landed", on=D(2021, 2, 1), user=clerk)
    assert "landed_on" in raised.value.message_dict
    shangsi_project.refresh_from_db()
    assert shangsi_project.landed_on is None


def test_moving_a_project_back_clears_the_later_dates(shangsi_project, clerk):
    change_stage(project=shangsi_project, stage="landed", on=D(2021, 6, 1), user=clerk)
    change_stage(project=shangsi_project, stage="signed", on=D(2021, 3, 1), user=clerk)
    shangsi_project.refresh_from_db()
    assert (shangsi_project.stage, shangsi_project.landed_on) == ("signed", None)
    assert StageChange.objects.filter(project=shangsi_project).count() == 2


def test_the_database_refuses_a_landing_without_a_signing(fangchenggang):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_project(fangchenggang, name="坏数据", stage="landed", landed_on=D(2021, 1, 1))


def test_project_rules_command_lists_rules_and_alerts(fangchenggang, fcg_plan):
    major = make_project(
        fangchenggang,
        name="大项目",
        stage="landed",
        signed_on=D(2021, 1, 10),
        landed_on=D(2021, 3, 1),
        stage_changed_on=D(2021, 3, 1),
    )
    Arrival.objects.create(project=major, year=2020, month=12, amount_usd=Decimal("5000000"))
    Arrival.objects.create(project=major, year=2021, month=5, amount_usd=Decimal("10000000"))
    small = make_project(
        fangchenggang,
        name="小项目",
        stage="signed",
        signed_on=D(2021, 9, 1),
        stage_changed_on=D(2021, 9, 1),
    )
    Arrival.objects.create(project=small, year=2021, month=9, amount_usd=Decimal("14999999.99"))
    Difficulty.objects.create(project=small, raised_on=D(2021, 9, 1), category="land", text="用地")
    Complaint.objects.create(
        project=small, received_on=D(2021, 9, 1), text="投诉", deadline=D(2021, 9, 30)
    )
    out = StringIO()
    call_command(
        "project_rules",
        "--city=450600",
        "--year=2021",
        "--today=2021-10-15",
        "--format=json",
        stdout=out,
    )
    report = {p["name"]: p for p in json.loads(out.getvalue())["projects"]}
    # 500 + 1000 = 1500万美元 arrived in total: the major-project rule; no leader: an alert.
    assert report["大项目"]["rules"] == ["major_project_leader"]
    # signed on 3-1, unchanged until 10-15: 228 days.
    assert [a["code"] for a in report["大项目"]["alerts"]] == ["leader_missing", "stage_stale"]
    assert report["小项目"]["rules"] == []
    # difficulty raised 9-1: 44 days open; complaint due 9-30: 15 days late.
    assert [(a["code"], a["days"]) for a in report["小项目"]["alerts"]] == [
        ("difficulty_open", 44),
        ("complaint_overdue", 15),
    ]


def test_the_seed_fixtures_give_each_plan_its_rules_and_campaigns(fcg_plan, ww_plan):
    from projects.models import Campaign, ProjectRule

    assert list(
        ProjectRule.objects.filter(plan=fcg_plan).values_list("consequence_code", "needs_leader")
    ) == [("major_project_leader", True)]
    assert list(
        ProjectRule.objects.filter(plan=ww_plan).values_list("consequence_code", flat=True)
    ) == [
        "land_energy_priority",
        "provincial_key_list_leader",
        "agent_reward",
        "fortune500_reward",
    ]
    assert list(Campaign.objects.filter(city=fcg_plan.city).values_list("name", flat=True)) == [
        "三企入桂",
        "行企助力转型升级",
    ]


def test_demo_projects_load_twice_marked_as_demo_and_cross_the_rules(fcg_plan, ww_plan):
    from projects.alerts import city_project_reports
    from projects.demo import load_demo_projects

    real = make_project(fcg_plan.city, name="真实项目")
    assert load_demo_projects(dt.date(2026, 11, 22)) == 7
    assert load_demo_projects(dt.date(2026, 11, 22)) == 7
    assert Project.objects.filter(is_demo=True).count() == 7
    assert Project.objects.filter(pk=real.pk).exists()
    reports = {
        r.project.name: r
        # The demo story is moved to end three weeks before "today": its arrivals fall in 2026.
        for r in city_project_reports(ww_plan.city, year=2026, today=D(2026, 11, 22))
    }
    codes = [r.consequence_code for r in reports["（演示）新能源装备制造项目"].rules]
    # 4000万美元 manufacturing, 6000万美元 total with 1100万 arrived this year, 4.2亿元 fixed assets,
    # a Fortune 500 regional HQ: all four Wuwei rules.
    assert codes == [
        "land_energy_priority",
        "provincial_key_list_leader",
        "agent_reward",
        "fortune500_reward",
    ]
