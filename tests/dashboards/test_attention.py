"""The city dashboard's lowest panels (open difficulties by age, project alerts, the projects a
leader follows) are built apart from it, when the reader scrolls to them: the home page runs
none of their queries, and the panel shows each role what the home page showed it before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects.models import Difficulty
from tasks.models import Plan
from tests.projects.conftest import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def attention(fangchenggang) -> str:
    return reverse("dashboards:attention", args=[fangchenggang.admin_code])


@pytest.fixture
def stalled(fangchenggang):
    """A project whose stage has not moved for 100 days (an alert), with a difficulty open
    for 40 days (31–90 days)."""
    today = timezone.localdate()
    project = make_project(
        fangchenggang,
        name="停滞项目",
        stage="signed",
        stage_changed_on=today - dt.timedelta(days=100),
    )
    Difficulty.objects.create(
        project=project,
        raised_on=today - dt.timedelta(days=40),
        category=Difficulty.Category.LAND,
        text="用地指标",
    )
    return project


def test_the_home_page_leaves_the_panel_to_when_it_is_scrolled_to(
    client, clerk, attention, stalled
):
    client.force_login(clerk)
    with CaptureQueriesContext(connection) as queries:
        home = client.get(reverse("home")).content.decode()
    assert f'hx-get="{attention}?year=' in home
    assert 'hx-trigger="revealed"' in home
    assert 'data-testid="project-alerts"' not in home
    assert 'data-testid="supervision-panel"' not in home
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "projects_difficulty" not in read
    assert "projects_complaint" not in read


def test_staff_get_the_alerts_and_the_difficulties(client, clerk, attention, stalled):
    client.force_login(clerk)
    response = client.get(attention, {"year": 2021}, headers={"hx-request": "true"})
    html = response.content.decode()
    assert "<html" not in html  # a fragment for htmx to swap in
    assert [r.project.name for r in response.context["project_alerts"].reports] == ["停滞项目"]
    assert [band.count for band in response.context["difficulties"]] == [0, 1, 0]
    assert 'data-testid="led-projects"' not in html
    # The supervision to-do and the quarter's task reports came down with them.
    assert 'data-testid="supervision-panel"' in html
    assert response.context["can_draft"] is True
    assert 'data-testid="task-status"' in html


def test_without_javascript_the_link_opens_a_page(client, clerk, attention, stalled):
    client.force_login(clerk)
    html = client.get(attention).content.decode()
    assert "<html" in html
    assert 'data-testid="attention"' in html
    assert "停滞项目" in html


def test_a_province_viewer_sees_the_difficulties_and_tasks_but_no_alerts(
    client, province_viewer, attention, stalled, fangchenggang
):
    client.force_login(province_viewer)
    # The period the dashboard shows: 2021's plan and its fourth quarter.
    response = client.get(attention, {"year": 2021}, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert "project_alerts" not in response.context
    assert "supervision" not in response.context
    tasks = response.context["tasks"]
    assert (tasks.plan, tasks.year, tasks.quarter) == (
        Plan.objects.get(city=fangchenggang, year=2021),
        2021,
        4,
    )
    assert [band.count for band in response.context["difficulties"]] == [0, 1, 0]


def test_a_county_official_and_another_citys_clerk_are_refused(
    client, shangsi_official, wuwei_clerk, attention
):
    client.force_login(shangsi_official)
    assert client.get(attention).status_code == 403
    client.force_login(wuwei_clerk)
    assert client.get(attention).status_code == 404


def test_the_panels_queries_do_not_grow_with_the_projects(client, leader, attention, stalled):
    client.force_login(leader)
    client.get(attention)
    with CaptureQueriesContext(connection) as few:
        client.get(attention)
    for i in range(20):
        make_project(stalled.city, name=f"又一个{i}", leader=leader, stage="signed")
    with CaptureQueriesContext(connection) as many:
        response = client.get(attention)
    assert len(response.context["led_projects"]) == 20
    assert len(many) == len(few)


def test_a_period_that_is_no_period_shows_the_latest(client, clerk, attention, stalled):
    """A hand-edited ``?year=abc&month=99`` is ignored, as on the dashboard: no error page."""
    client.force_login(clerk)
    plain = client.get(attention, headers={"hx-request": "true"})
    garbled = client.get(attention, {"year": "abc", "month": "99"}, headers={"hx-request": "true"})
    assert garbled.status_code == 200
    assert garbled.content == plain.content
