"""Promotion events against the plan's quotas, and the entry forms of the project's lists
(progress, difficulties with their resolution, complaints with their answer)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from fdi_portal.models import Department, Region
from projects.figures import event_counts, event_quotas
from projects.models import Complaint, Difficulty, ProgressEntry, PromotionEvent

D = dt.date


def event(city, *, region: str = "", department: str = "", on: dt.date | None = None, **fields):
    return PromotionEvent.objects.create(
        city=city,
        organiser_region=Region.objects.get(city=city, name=region) if region else None,
        organiser_department=(
            Department.objects.get(city=city, name=department) if department else None
        ),
        date=on or D(2021, 5, 1),
        kind=fields.pop("kind", "fdi_themed"),
        title=fields.pop("title", "外资专题招商会"),
        **fields,
    )


def test_event_counts_count_fdi_themed_events_of_the_year_per_organiser(fangchenggang):
    for _ in range(3):
        event(fangchenggang, region="上思县")
    event(fangchenggang, region="上思县", fdi_themed=False)  # not FDI-themed
    event(fangchenggang, region="上思县", on=D(2020, 12, 31))  # another year
    event(fangchenggang, department="防城港市投资促进局")  # not a region
    counts = event_counts(fangchenggang, 2021)
    shangsi = Region.objects.get(name="上思县")
    dongxing = Region.objects.get(name="东兴市")
    assert (counts.by_region[shangsi.pk], counts.by_region.get(dongxing.pk, 0)) == (3, 0)
    assert sum(counts.by_department.values()) == 1


def test_quotas_come_from_the_plan_each_county_4_each_competent_department_2(fangchenggang):
    for _ in range(4):
        event(fangchenggang, region="东兴市")
    for _ in range(3):
        event(fangchenggang, region="上思县")
    event(fangchenggang, department="防城港市投资促进局")
    rows = {q.organiser: q for q in event_quotas(fangchenggang, 2021)}
    # every assessed region: 港口区, 防城区, 上思县, 东兴市 need 4
    assert (rows["东兴市"].count, rows["东兴市"].required, rows["东兴市"].shortfall) == (4, 4, 0)
    assert (rows["上思县"].count, rows["上思县"].shortfall, rows["港口区"].shortfall) == (3, 1, 4)
    assert "防城港经济技术开发区" not in rows  # parks are not assessed
    # the departments leading or supporting task 二是 (开展产业链精准招商) need 2
    investment = Department.objects.get(name="防城港市投资促进局")
    row = rows[investment.short_name]
    assert (row.count, row.required, row.shortfall) == (1, 2, 1)
    departments = [q for q in rows.values() if not q.is_region]
    assert len(departments) == 6
    assert all(q.required == 2 for q in departments)


def test_a_city_without_event_quotas_shows_counts_only(wuwei):
    event(wuwei, region="凉州区")
    rows = {q.organiser: q for q in event_quotas(wuwei, 2021)}
    assert (rows["凉州区"].count, rows["凉州区"].required, rows["凉州区"].shortfall) == (1, None, 0)


def test_the_event_page_shows_fifty_events_a_page_and_keeps_the_year(
    client, clerk, fangchenggang, shangsi_project, django_assert_max_num_queries
):
    for i in range(60):
        e = event(fangchenggang, region="上思县", title=f"活动{i}")
        e.projects.add(shangsi_project)
    for _ in range(20):
        event(fangchenggang, department="防城港市投资促进局")
    client.force_login(clerk)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("projects:event_list"), {"year": 2021})
    assert len(response.context["events"]) == 50
    assert response.context["pagination"].total == 80
    assert 'href="?year=2021&amp;page=2"' in response.content.decode()
    second = client.get(reverse("projects:event_list"), {"year": 2021, "page": 2})
    assert len(second.context["events"]) == 30


def test_a_region_official_records_events_for_their_own_region(client, shangsi_official):
    client.force_login(shangsi_official)
    response = client.post(
        reverse("projects:event_create"),
        {"date": "2021-04-01", "kind": "fdi_themed", "title": "RCEP专场", "fdi_themed": "on"},
    )
    assert response.status_code == 302
    saved = PromotionEvent.objects.get(title="RCEP专场")
    assert (saved.organiser_region.name, saved.organiser_department, saved.city.admin_code) == (
        "上思县",
        None,
        "450600",
    )


def test_a_department_officer_records_events_for_their_department(client, investment_officer):
    client.force_login(investment_officer)
    client.post(
        reverse("projects:event_create"),
        {"date": "2021-04-01", "kind": "matchmaking", "title": "对接会", "fdi_themed": "on"},
    )
    saved = PromotionEvent.objects.get(title="对接会")
    assert (saved.organiser_region, saved.organiser_department.name) == (None, "防城港市投资促进局")


def test_staff_choose_exactly_one_organiser(client, clerk):
    client.force_login(clerk)
    shangsi = Region.objects.get(name="上思县")
    investment = Department.objects.get(name="防城港市投资促进局")
    data = {"date": "2021-04-01", "kind": "expo", "title": "东博会", "fdi_themed": "on"}
    both = client.post(
        reverse("projects:event_create"),
        {**data, "organiser_region": shangsi.pk, "organiser_department": investment.pk},
    )
    assert both.status_code == 200
    assert both.context["form"].non_field_errors()
    client.post(reverse("projects:event_create"), {**data, "organiser_department": investment.pk})
    assert PromotionEvent.objects.get(title="东博会").organiser_department == investment


def test_a_leader_cannot_record_events(client, leader):
    client.force_login(leader)
    response = client.post(reverse("projects:event_create"), {"title": "x"})
    assert response.status_code == 403
    assert not PromotionEvent.objects.exists()


# --------------------------------------------------------------------------- the lists


def test_a_region_official_adds_progress_to_their_project(
    client, shangsi_official, shangsi_project
):
    client.force_login(shangsi_official)
    url = reverse("projects:progress_create", args=[shangsi_project.pk])
    response = client.post(url, {"date": "2021-04-01", "text": "完成环评"})
    assert response.status_code == 302
    entry = ProgressEntry.objects.get(project=shangsi_project)
    assert (entry.text, entry.recorded_by) == ("完成环评", shangsi_official)


def test_a_region_official_cannot_add_to_another_regions_lists(
    client, shangsi_official, dongxing_project
):
    client.force_login(shangsi_official)
    for name in ("progress_create", "difficulty_create", "complaint_create"):
        url = reverse(f"projects:{name}", args=[dongxing_project.pk])
        assert client.post(url, {"text": "x"}).status_code == 404
    assert not ProgressEntry.objects.exists()
    assert not Difficulty.objects.exists()


def test_a_difficulty_is_resolved_with_its_date_and_resolution(client, clerk, shangsi_project):
    client.force_login(clerk)
    land = Department.objects.get(name="防城港市投资促进局")
    client.post(
        reverse("projects:difficulty_create", args=[shangsi_project.pk]),
        {
            "raised_on": "2021-03-01",
            "category": "land",
            "text": "用地指标不足",
            "department": land.pk,
            "status": "open",
        },
    )
    difficulty = Difficulty.objects.get(project=shangsi_project)
    url = reverse("projects:difficulty_edit", args=[difficulty.pk])
    data = {
        "raised_on": "2021-03-01",
        "category": "land",
        "text": "用地指标不足",
        "status": "resolved",
        # The edit form's lock (fdi_portal.locking): the row as the page showed it.
        "row_state": client.get(url).context["form"]["row_state"].value(),
    }
    incomplete = client.post(url, data)
    assert set(incomplete.context["form"].errors) == {"resolved_on", "resolution"}
    too_early = client.post(url, {**data, "resolved_on": "2021-02-01", "resolution": "已协调"})
    assert "resolved_on" in too_early.context["form"].errors
    client.post(url, {**data, "resolved_on": "2021-03-11", "resolution": "已协调"})
    difficulty.refresh_from_db()
    assert (difficulty.status, difficulty.resolved_on, difficulty.resolution) == (
        "resolved",
        D(2021, 3, 11),
        "已协调",
    )


def test_a_complaint_is_answered_once_answer_and_date_are_given(client, clerk, shangsi_project):
    client.force_login(clerk)
    data = {"received_on": "2021-03-01", "deadline": "2021-03-15", "text": "审批慢"}
    bad = client.post(
        reverse("projects:complaint_create", args=[shangsi_project.pk]),
        {**data, "deadline": "2021-02-01"},
    )
    assert "deadline" in bad.context["form"].errors
    client.post(reverse("projects:complaint_create", args=[shangsi_project.pk]), data)
    complaint = Complaint.objects.get(project=shangsi_project)
    assert complaint.status == "received"
    url = reverse("projects:complaint_edit", args=[complaint.pk])
    seen = client.get(url).context["form"]["row_state"].value()  # fdi_portal.locking
    client.post(
        url, {**data, "answered_on": "2021-03-10", "answer": "已加快办理", "row_state": seen}
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.answered_on) == ("answered", D(2021, 3, 10))


@pytest.fixture
def difficulties_of_two_departments(shangsi_project, dongxing_project):
    investment = Department.objects.get(name="防城港市投资促进局")
    other = Department.objects.get(name="防城港市商务局")
    for project, department in [
        (shangsi_project, investment),
        (dongxing_project, investment),
        (shangsi_project, other),
    ]:
        Difficulty.objects.create(
            project=project,
            raised_on=D(2021, 3, 1),
            category="land",
            text="x",
            department=department,
        )


def test_a_department_officer_sees_only_their_departments_difficulties(
    client, investment_officer, difficulties_of_two_departments
):
    client.force_login(investment_officer)
    response = client.get(reverse("projects:difficulty_list"))
    assert {d.department.name for d in response.context["difficulties"]} == {"防城港市投资促进局"}
    assert len(response.context["difficulties"]) == 2
    other = Department.objects.get(name="防城港市商务局")
    response = client.get(reverse("projects:difficulty_list"), {"department": other.pk})
    assert len(response.context["difficulties"]) == 2  # the filter cannot widen the list
