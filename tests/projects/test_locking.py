"""No lost updates: two people open the same project, difficulty, complaint or scoring scheme;
the second save from a stale form is refused with the first person's value, and nothing of it
is written. A save made again from the refreshed form goes through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from fdi_portal.locking import LOCK_FIELD
from projects.models import Complaint, Difficulty, Project

pytestmark = pytest.mark.django_db


def shown(client, url: str) -> dict[str, str]:
    """What the browser posts back for the edit page as served."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data


def post(client, url: str, data: dict[str, str]):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(url, data)


def test_a_stale_project_save_is_refused_and_shows_the_other_persons_value(
    client, clerk, shangsi_official, shangsi_project
):
    url = reverse("projects:project_edit", args=[shangsi_project.pk])
    client.force_login(clerk)
    clerk_form = shown(client, url)  # the clerk opens the form: 100万 contracted
    client.force_login(shangsi_official)
    official_form = shown(client, url)
    official_form["contracted_fdi_wan"] = "200"
    assert post(client, url, official_form).status_code == 302  # the official saves 200万

    client.force_login(clerk)
    clerk_form["contracted_fdi_wan"] = "300"
    page = post(client, url, clerk_form)

    assert page.status_code == 200
    error = page.context["form"].non_field_errors()[0]
    assert "Someone else saved this record" in error
    # 200万 = 2 000 000 USD, shown as the pages show it.
    assert "contracted FDI (USD)：200.00 10k USD" in error
    assert "name" not in error.split("Their values now:")[1]  # only what they changed
    assert Project.objects.get().contracted_fdi_usd == Decimal("2000000.00")


def test_saving_again_from_the_refused_form_replaces_the_other_value_knowingly(
    client, clerk, shangsi_project
):
    url = reverse("projects:project_edit", args=[shangsi_project.pk])
    client.force_login(clerk)
    stale = shown(client, url)
    Project.objects.filter(pk=shangsi_project.pk).update(name="改名的项目")  # someone else
    stale["contracted_fdi_wan"] = "300"
    refused = post(client, url, stale)
    assert "name：改名的项目" in refused.context["form"].non_field_errors()[0]

    again = {**stale, LOCK_FIELD: refused.context["form"][LOCK_FIELD].value()}
    assert post(client, url, again).status_code == 302

    project = Project.objects.get()
    assert (project.name, project.contracted_fdi_usd) == ("上思县测试项目", Decimal("3000000.00"))


def test_a_change_to_a_field_the_form_does_not_edit_is_not_a_conflict_and_is_kept(
    client, clerk, shangsi_project
):
    url = reverse("projects:project_edit", args=[shangsi_project.pk])
    client.force_login(clerk)
    form = shown(client, url)
    # A stage change (its own form, its own service) in between.
    Project.objects.filter(pk=shangsi_project.pk).update(
        stage="landed", landed_on=dt.date(2021, 5, 1)
    )
    form["contracted_fdi_wan"] = "150"
    assert post(client, url, form).status_code == 302
    project = Project.objects.get()
    assert (project.stage, project.contracted_fdi_usd) == ("landed", Decimal("1500000.00"))


def test_a_forged_or_missing_state_is_refused(client, clerk, shangsi_project):
    url = reverse("projects:project_edit", args=[shangsi_project.pk])
    client.force_login(clerk)
    form = shown(client, url)
    form["contracted_fdi_wan"] = "999"
    for token in ("forged", ""):
        page = post(client, url, {**form, LOCK_FIELD: token})
        assert page.status_code == 200
    assert Project.objects.get().contracted_fdi_usd == Decimal("1000000.00")


def test_a_stale_difficulty_save_is_refused_with_the_other_status(
    client, clerk, shangsi_official, shangsi_project
):
    difficulty = Difficulty.objects.create(
        project=shangsi_project, raised_on=dt.date(2021, 4, 1), category="land", text="用地指标"
    )
    url = reverse("projects:difficulty_edit", args=[difficulty.pk])
    client.force_login(clerk)
    clerk_form = shown(client, url)
    client.force_login(shangsi_official)
    official_form = shown(client, url)
    official_form.update(status="in_progress")
    assert post(client, url, official_form).status_code == 302

    client.force_login(clerk)
    clerk_form.update(text="用地指标已上报自治区")
    page = post(client, url, clerk_form)

    assert "status：Being handled" in page.context["form"].non_field_errors()[0]
    assert Difficulty.objects.get().text == "用地指标"
    assert Difficulty.objects.get().status == "in_progress"


def test_a_stale_complaint_answer_is_refused_and_the_first_answer_kept(
    client, clerk, shangsi_official, shangsi_project
):
    complaint = Complaint.objects.create(
        project=shangsi_project,
        received_on=dt.date(2021, 4, 1),
        text="审批慢",
        deadline=dt.date(2021, 4, 30),
    )
    url = reverse("projects:complaint_edit", args=[complaint.pk])
    client.force_login(clerk)
    clerk_form = shown(client, url)
    client.force_login(shangsi_official)
    official_form = shown(client, url)
    official_form.update(answered_on="2021-04-10", answer="已协调办理")
    assert post(client, url, official_form).status_code == 302

    client.force_login(clerk)
    clerk_form.update(answered_on="2021-04-12", answer="另一答复")
    page = post(client, url, clerk_form)

    error = page.context["form"].non_field_errors()[0]
    assert "answer：已协调办理" in error
    assert "answered on：2021-04-10" in error
    complaint.refresh_from_db()
    assert (complaint.answer, complaint.status) == ("已协调办理", "answered")


def test_adding_a_difficulty_needs_no_lock(client, clerk, shangsi_project):
    client.force_login(clerk)
    url = reverse("projects:difficulty_create", args=[shangsi_project.pk])
    data = {"raised_on": "2021-04-01", "category": "power", "text": "电力增容", "status": "open"}
    assert post(client, url, data).status_code == 302
    assert Difficulty.objects.get().text == "电力增容"
