"""Revisions: a revised text of the Fangchenggang seed plan shows its diff, then updates the
stored plan in place; the progress reports stay with the tasks the revision keeps."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from fdi_portal.models import Department
from tasks.models import Plan, ProgressReport, Task
from tasks.plan_revision import preview_revision, revise_plan
from tasks.revisions import Item, match_tasks
from tasks.services import preview_plan
from tests.tasks.conftest import FCG_TITLE

SEED = Path(settings.BASE_DIR) / "fixtures" / "plans" / "fangchenggang_2021.txt"
INVEST = "防城港市投资促进局"
NEW_TEN = (
    "（十）建立外资企业圆桌会议制度。每季度召开一次外资企业圆桌会议，听取企业诉求。"
    "〔市商务局牵头，市投资促进局配合〕"
)


def revised_text() -> str:
    """The seed text with three edits a bureau might make:
    - 二（四）三是 retitled: 创新开展外资招商活动 → 创新外资招商方式;
    - 二（九） gains a supporting unit, 市投资促进局;
    - 二（十） (the 一站式 service platform) replaced by a new （十）, a round-table."""
    lines = []
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        if line.startswith("三是创新开展外资招商活动。"):
            line = line.replace("三是创新开展外资招商活动。", "三是创新外资招商方式。", 1)
        elif line.startswith("（九）"):
            line = line.replace("人民政府牵头〕", "人民政府牵头，市投资促进局配合〕")
        elif line.startswith("（十）"):
            line = NEW_TEN
        lines.append(line)
    text = "\n".join(lines)
    assert text.count("创新外资招商方式") == 1
    assert text.count("建立外资企业圆桌会议制度") == 1
    return text


def report(task: Task, officer, quarter: int = 1) -> ProgressReport:
    return ProgressReport.objects.create(
        task=task,
        department=Department.objects.get(city=task.plan.city, name=INVEST),
        year=2021,
        quarter=quarter,
        status="in_progress",
        narrative="按计划推进",
        submitted_by=officer,
    )


# --------------------------------------------------------------------------- the matcher


def test_tasks_pair_by_path_and_title_then_title_then_similar_title():
    stored = [
        Item(1, ("二", "（一）"), "做好服务"),
        Item(2, ("二", "（二）"), "创新开展外资招商活动"),
        Item(3, ("二", "（三）"), "加快建立一站式平台"),
        Item(4, ("二", "（四）"), "强化考核"),
    ]
    revised = [
        Item(10, ("二", "（一）"), "做好服务"),  # unchanged
        Item(11, ("二", "（二）"), "强化考核"),  # 二（四） renumbered
        Item(12, ("二", "（三）"), "创新外资招商方式"),  # retitled, but not at 二（二）'s path
        Item(13, ("二", "（四）"), "建立圆桌会议制度"),  # new
    ]
    # 创新开展外资招商活动 ↔ 创新外资招商方式: 2 × 6 ÷ 18 = 0.67, but under another path it would
    # need 0.8; at 二（三） the stored title is 加快建立一站式平台 (similarity 0.12): no pair.
    assert match_tasks(stored, revised) == {10: 1, 11: 4}


def test_a_retitled_task_at_its_own_path_is_paired():
    stored = [Item(1, ("二", "（二）"), "创新开展外资招商活动")]
    revised = [Item(9, ("二", "（二）"), "创新外资招商方式")]
    assert match_tasks(stored, revised) == {9: 1}


# --------------------------------------------------------------------------- the diff


@pytest.mark.django_db
def test_the_revised_seed_text_shows_one_task_added_removed_retitled_and_with_new_units(
    fcg_plan, investment_officer
):
    for order in (9, 11, 17):  # 二（四）一是, 二（四）三是, 二（十）
        report(Task.objects.get(plan=fcg_plan, order=order), investment_officer)
    preview = preview_plan(city=fcg_plan.city, text=revised_text())
    assert preview.title == FCG_TITLE
    diff = preview_revision(plan=fcg_plan, preview=preview)
    assert [(row.parsed.label, row.parsed.title) for row in diff.added] == [
        ("（十）", "建立外资企业圆桌会议制度")
    ]
    assert [(r.number, r.task.title, r.reports) for r in diff.removed] == [
        ("二、（十）", "加快建立“一站式”外商投资服务平台", 1)
    ]
    assert [(c.new_number, c.task.title, c.row.parsed.title) for c in diff.retitled] == [
        ("二、（四）三是", "创新开展外资招商活动", "创新外资招商方式")
    ]
    assert [
        (c.new_number, [(u.role, u.before, u.after) for u in c.units]) for c in diff.units_changed
    ] == [("二、（九）", [("support", (), (INVEST,))])]
    assert diff.moved == []
    # 23 tasks: one removed, one retitled, one with new units → 20 unchanged
    assert diff.unchanged == 20
    assert (diff.reports_kept, diff.reports_dropped) == (2, 1)


@pytest.mark.django_db
def test_confirming_the_revision_updates_the_plan_in_place_and_keeps_the_reports(
    fcg_plan, investment_officer
):
    kept = report(Task.objects.get(plan=fcg_plan, order=9), investment_officer)
    retitled = report(Task.objects.get(plan=fcg_plan, order=11), investment_officer)
    dropped = report(Task.objects.get(plan=fcg_plan, order=17), investment_officer)
    tasks_before = {t.order: t.pk for t in fcg_plan.tasks.all()}
    revise_plan(plan=fcg_plan, text=revised_text())
    plan = Plan.objects.get(pk=fcg_plan.pk)
    assert plan.title == FCG_TITLE
    assert plan.tasks.count() == 23
    kept.refresh_from_db()
    retitled.refresh_from_db()
    assert kept.task.pk == tasks_before[9]
    assert retitled.task.pk == tasks_before[11]
    assert retitled.task.title == "创新外资招商方式"
    assert not ProgressReport.objects.filter(pk=dropped.pk).exists()
    new_ten = plan.tasks.get(order=17)
    assert new_ten.title == "建立外资企业圆桌会议制度"
    assert new_ten.pk not in tasks_before.values()
    assert new_ten.parent == plan.tasks.get(order=2)
    nine = plan.tasks.get(order=16)
    assert [(a.role, a.unit_name) for a in nine.assignments.order_by("order")] == [
        ("lead", "防城港市商务局"),
        ("lead", "各县（市、区）人民政府"),
        ("support", INVEST),
    ]
    # the revised text is the stored source now; the unchanged tasks kept their rows
    assert plan.source_text == revised_text()
    assert sum(pk in tasks_before.values() for pk in plan.tasks.values_list("pk", flat=True)) == 22


@pytest.mark.django_db
def test_the_same_text_again_is_no_change(fcg_plan):
    diff = preview_revision(
        plan=fcg_plan, preview=preview_plan(city=fcg_plan.city, text=SEED.read_text("utf-8"))
    )
    assert not diff.has_changes
    assert diff.unchanged == 23


# --------------------------------------------------------------------------- the web import


@pytest.mark.django_db
def test_the_import_page_shows_the_diff_of_a_revision_and_confirms_it(
    client, clerk, investment_officer, fcg_plan
):
    kept = report(Task.objects.get(plan=fcg_plan, order=9), investment_officer)
    client.force_login(clerk)
    url = reverse("tasks:plan_import")
    response = client.post(url, {"text": revised_text(), "preview": "1"})
    assert response.status_code == 200
    diff = response.context["revision"]
    assert diff.plan == fcg_plan
    body = response.content.decode()
    assert 'data-testid="revision"' in body
    assert "建立外资企业圆桌会议制度" in body
    confirmed = client.post(url, {"text": revised_text(), "confirm": "1"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk})
    assert Plan.objects.filter(city=fcg_plan.city, title=FCG_TITLE).count() == 1
    kept.refresh_from_db()
    assert kept.task.plan_id == fcg_plan.pk


@pytest.mark.django_db
def test_a_text_with_another_title_can_be_chosen_as_a_revision(client, clerk, fcg_plan):
    client.force_login(clerk)
    text = revised_text().replace(FCG_TITLE, "2021年防城港市扩大利用外资规模工作方案（修订）", 1)
    response = client.post(
        reverse("tasks:plan_import"),
        {"text": text, "revision_of": str(fcg_plan.pk), "confirm": "1"},
    )
    assert response.status_code == 302
    fcg_plan.refresh_from_db()
    assert fcg_plan.title == "2021年防城港市扩大利用外资规模工作方案（修订）"
    assert fcg_plan.tasks.get(order=11).title == "创新外资招商方式"


# --------------------------------------------------------------------------- the command


@pytest.mark.django_db
def test_the_command_prints_the_revisions_diff_and_stores_it(fcg_plan, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "revised.txt"
    path.write_text(revised_text(), encoding="utf-8")
    out = StringIO()
    call_command("import_plan", str(path), "--city", "450600", "--revise", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[:4] == [
        "+ 二、（十） 建立外资企业圆桌会议制度",
        "- 二、（十） 加快建立“一站式”外商投资服务平台",
        "~ 二、（四）三是 创新开展外资招商活动 → 创新外资招商方式",
        f"@ 二、（九） support: — → {INVEST}",
    ]
    assert Task.objects.get(plan=fcg_plan, order=11).title == "创新开展外资招商活动"
    call_command("import_plan", str(path), "--city", "450600", "--revise", stdout=StringIO())
    assert Task.objects.get(plan=fcg_plan, order=11).title == "创新外资招商方式"
