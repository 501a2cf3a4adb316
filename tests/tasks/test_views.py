"""The plan pages, the task-division table and its xlsx export, progress reports and the matrix,
and the web import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from fdi_portal.models import Department
from tasks import selectors
from tasks.models import Plan, ProgressReport, Task
from tests.tasks.conftest import FCG_TITLE
from tests.tasks.test_plan_text import XQ

INVEST = "防城港市投资促进局"


def task_at(plan: Plan, order: int) -> Task:
    return Task.objects.get(plan=plan, order=order)


def file_reports(plan: Plan, user, year: int, quarter: int, status: str = "in_progress") -> int:
    """A report from every department on every task it has a part in; returns how many."""
    count = 0
    for task in plan.tasks.prefetch_related("assignments"):
        for assignment in task.assignments.all():
            if assignment.department_id:
                ProgressReport.objects.create(
                    task=task,
                    department_id=assignment.department_id,
                    year=year,
                    quarter=quarter,
                    status=status,
                    narrative="按计划推进",
                    submitted_by=user,
                )
                count += 1
    return count


# --------------------------------------------------------------------------- the plan page


def test_the_plan_page_lists_every_task_with_its_units(client, clerk, fcg_plan):
    client.force_login(clerk)
    response = client.get(reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}))
    assert response.status_code == 200
    assert len(response.context["nodes"]) == 23
    body = response.content.decode()
    assert "开展产业链精准招商" in body
    assert "中国国际贸易促进委员会防城港市委员会" in body


def test_filtering_by_a_unit_keeps_its_tasks_and_their_headings(client, leader, fcg_plan):
    client.force_login(leader)
    invest = Department.objects.get(city=fcg_plan.city, name=INVEST)
    response = client.get(
        reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}), {"unit": f"d{invest.pk}"}
    )
    orders = [node.task.order for node in response.context["nodes"]]
    # its 11 tasks (二（二）, 二（三）二是, 二（四）一是–三是, 二（五）, 二（十）, 三（二）–（五）)
    # with their headings 二, 二（三）, 二（四）, 三
    assert orders == [2, 4, 5, 7, 8, 9, 10, 11, 12, 17, 18, 20, 21, 22, 23]


def test_an_officer_of_another_city_cannot_see_the_plan(client, wuwei_clerk, fcg_plan):
    client.force_login(wuwei_clerk)
    response = client.get(reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}))
    assert response.status_code == 404


def test_the_plan_page_runs_a_fixed_number_of_queries(
    client, clerk, fcg_plan, django_assert_max_num_queries
):
    filed = file_reports(fcg_plan, clerk, 2021, 1) + file_reports(fcg_plan, clerk, 2021, 2)
    assert filed > 100
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("tasks:plan_detail", kwargs={"pk": fcg_plan.pk}))
    assert response.status_code == 200


def test_the_share_on_track_counts_tasks_whose_every_unit_reported_progress(clerk, fcg_plan):
    # Every department reports Q1 in progress …
    file_reports(fcg_plan, clerk, 2021, 1)
    # … except that the 投资促进局 reports 二（五） behind.
    ProgressReport.objects.filter(
        task__plan=fcg_plan, task__order=12, department__name=INVEST, quarter=1
    ).update(status="behind")
    matrix = selectors.progress_matrix(fcg_plan, year=2021, today=dt.date(2021, 5, 1))
    assert matrix.reference_quarter == 1
    # 17 tasks have a department; 16 are on track
    assert (matrix.on_track, matrix.counted) == (16, 17)


# --------------------------------------------------------------------------- the table and export


def test_the_table_has_a_heading_row_per_section_and_group_and_numbers_the_tasks(
    client, investment_officer, fcg_plan
):
    client.force_login(investment_officer)
    response = client.get(reverse("tasks:plan_table", kwargs={"pk": fcg_plan.pk}))
    rows = response.context["rows"]
    groups = [row.group for row in rows if row.group]
    assert groups == [
        "一、 工作目标",
        "二、 主要任务",
        "二、（三） 聚焦重点平台和重大项目引进外资",
        "二、（四） 强化利用外资招商工作",
        "三、 保障措施",
    ]
    assert [row.number for row in rows if not row.group] == list(range(1, 19))


def test_the_xlsx_export_puts_units_in_the_lead_and_support_columns_and_merges_groups(
    client, province_viewer, fcg_plan, django_assert_max_num_queries
):
    client.force_login(province_viewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("tasks:plan_export", kwargs={"pk": fcg_plan.pk}))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[2]] == [
        "序号",
        "工作任务",
        "具体措施",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # title, 一、二、（三）（四）三、: six merged rows
    assert merged == {"A1:F1", "A3:F3", "A4:F4", "A7:F7", "A10:F10", "A20:F20"}
    assert sheet["A3"].value == "一、 工作目标"
    row = next(
        r for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] == "二是 开展产业链精准招商"
    )
    assert row[0] == 6
    assert row[3] == f"防城港市投资促进局、防城港市商务局、{XQ}"
    assert row[4] == (
        "防城港市发展和改革委员会、防城港市工业和信息化局、防城港市农业农村局、"
        "中国国际贸易促进委员会防城港市委员会"
    )
    shared = next(
        r
        for r in sheet.iter_rows(min_row=3, values_only=True)
        if (r[1] or "").startswith("（二） 强化利用外资")
    )
    assert (
        shared[3] == f"防城港市财政局、防城港市商务局、防城港市投资促进局、{XQ}（按职责分工负责）"
    )
    assert shared[4] is None


def test_a_text_cell_starting_with_an_equals_sign_is_escaped_in_the_export(client, clerk, fcg_plan):
    Task.objects.filter(plan=fcg_plan, order=3).update(text="=HYPERLINK(1)")
    client.force_login(clerk)
    response = client.get(reverse("tasks:plan_export", kwargs={"pk": fcg_plan.pk}))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "'=HYPERLINK(1)" in [c.value for c in sheet["C"]]


# --------------------------------------------------------------------------- a unit's page


def test_a_units_page_lists_the_tasks_it_leads_supports_and_shares_and_its_reports(
    client, investment_officer, fcg_plan, django_assert_max_num_queries
):
    file_reports(fcg_plan, investment_officer, 2021, 1)
    invest = Department.objects.get(city=fcg_plan.city, name=INVEST)
    client.force_login(investment_officer)
    url = reverse("tasks:unit_detail", kwargs={"pk": fcg_plan.pk, "department_pk": invest.pk})
    with django_assert_max_num_queries(10):
        response = client.get(url)
    lead = [node.task.order for node in response.context["lead"]]
    support = [node.task.order for node in response.context["support"]]
    shared = [node.task.order for node in response.context["shared"]]
    assert (lead, support, shared) == ([9, 10, 11, 12, 20, 21, 22, 23], [7, 17], [4])
    assert len(response.context["reports"]) == 11
    assert response.context["can_report"]


def test_a_department_of_another_city_is_not_found_on_a_plan(client, clerk, fcg_plan, wuwei):
    other = Department.objects.filter(city=wuwei).first()
    client.force_login(clerk)
    url = reverse("tasks:unit_detail", kwargs={"pk": fcg_plan.pk, "department_pk": other.pk})
    assert client.get(url).status_code == 404


# --------------------------------------------------------------------------- reports


def report_url(task: Task) -> str:
    return reverse("tasks:report_create", kwargs={"task_pk": task.pk})


def test_an_officer_files_a_quarterly_report_and_a_resubmission_replaces_it(
    client, investment_officer, fcg_plan
):
    task = task_at(fcg_plan, 9)  # 二（四）一是, led by the 投资促进局
    client.force_login(investment_officer)
    data = {"year": 2021, "quarter": 2, "status": "in_progress", "narrative": "已制定产业树"}
    response = client.post(report_url(task), data)
    assert response.status_code == 302
    client.post(report_url(task), {**data, "status": "done", "narrative": "已完成"})
    report = ProgressReport.objects.get(task=task)
    assert (report.department.name, report.year, report.quarter, report.status) == (
        INVEST,
        2021,
        2,
        "done",
    )
    assert report.submitted_by == investment_officer


def test_an_officer_cannot_report_on_a_task_their_unit_has_no_part_in(
    client, investment_officer, fcg_plan
):
    task = task_at(fcg_plan, 3)  # 二（一）: not the 投资促进局's
    client.force_login(investment_officer)
    data = {"year": 2021, "quarter": 2, "status": "done", "narrative": "x"}
    assert client.post(report_url(task), data).status_code == 403
    assert not ProgressReport.objects.exists()


def test_an_officer_cannot_report_on_another_citys_task(client, investment_officer, ww_plan):
    task = task_at(ww_plan, 4)
    client.force_login(investment_officer)
    data = {"year": 2023, "quarter": 4, "status": "done", "narrative": "x"}
    assert client.post(report_url(task), data).status_code == 404
    assert not ProgressReport.objects.exists()


def test_a_report_with_a_bad_quarter_is_refused_with_a_message(
    client, investment_officer, fcg_plan
):
    client.force_login(investment_officer)
    data = {"year": 2021, "quarter": 5, "status": "done", "narrative": "x"}
    response = client.post(report_url(task_at(fcg_plan, 9)), data)
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"]
    assert not ProgressReport.objects.exists()


def test_staff_see_the_report_in_the_matrix(client, clerk, investment_officer, fcg_plan):
    task = task_at(fcg_plan, 22)  # 三（四）, led by 商务局 and 投资促进局
    client.force_login(investment_officer)
    data = {"year": 2021, "quarter": 1, "status": "behind", "narrative": "进度滞后"}
    client.post(report_url(task), data)
    client.force_login(clerk)
    response = client.get(
        reverse("tasks:plan_progress", kwargs={"pk": fcg_plan.pk}), {"year": 2021}
    )
    row = next(r for r in response.context["matrix"].rows if r.node.task == task)
    # 商务局 has not reported and the quarter is long past: overdue; the report is listed
    assert row.cells[0].status == "overdue"
    assert row.cells[0].reported == ((INVEST, "behind"),)
    assert row.cells[0].missing == ("防城港市商务局",)


def test_the_matrix_runs_a_fixed_number_of_queries(
    client, clerk, fcg_plan, django_assert_max_num_queries
):
    for quarter in (1, 2, 3, 4):
        file_reports(fcg_plan, clerk, 2021, quarter)
    client.force_login(clerk)
    with django_assert_max_num_queries(8):
        response = client.get(
            reverse("tasks:plan_progress", kwargs={"pk": fcg_plan.pk}), {"year": 2021}
        )
    assert len(response.context["matrix"].rows) == 17
    assert {c.status for row in response.context["matrix"].rows for c in row.cells} == {
        "in_progress"
    }


def test_the_officers_home_lists_their_missing_reports_first_overdue_before_due(
    client, clerk, investment_officer, fcg_plan, monkeypatch, django_assert_max_num_queries
):
    """The department officer's home was a bare list of plans. On 1 August 2021 the 2021
    plan's Q1 and Q2 reports are overdue (due 10 April, 10 July), Q3's is due by 10 October."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2021, 8, 1))
    task = task_at(fcg_plan, 9)  # 二（四）一是, led by the 投资促进局
    file_reports(fcg_plan, clerk, 2021, 1)
    client.force_login(investment_officer)
    page = client.get("/")
    due = page.context["due_tasks"]
    mine = next(item for item in due if item.node.task == task)
    assert (mine.overdue, mine.due_quarter, mine.due_on) == ((2,), 3, dt.date(2021, 10, 10))
    assert all("防城港市投资促进局" in item.node.departments for item in due)
    content = page.content.decode()
    assert content.index('data-testid="due-tasks"') < content.index(fcg_plan.title)
    assert reverse("tasks:report_create", kwargs={"task_pk": task.pk}) in content

    # Q2 filed: nothing is overdue, Q3 is still due; Q3 filed too, the list is empty.
    file_reports(fcg_plan, clerk, 2021, 2)
    mine = next(item for item in client.get("/").context["due_tasks"] if item.node.task == task)
    assert (mine.overdue, mine.due_quarter) == ((), 3)
    file_reports(fcg_plan, clerk, 2021, 3)
    with django_assert_max_num_queries(15):
        page = client.get("/")
    assert page.context["due_tasks"] == []

    # A plan whose year is over is history: in 2026 the 2021 plan asks for nothing.
    monkeypatch.setattr(timezone, "localdate", lambda *args: dt.date(2026, 8, 1))
    assert client.get("/").context["due_tasks"] == []


def test_the_matrix_and_the_report_form_name_quarters_in_chinese(
    client, clerk, investment_officer, fcg_plan
):
    """「Q1…Q4」 were left in the Chinese pages: a quarter reads 一季度 … 四季度."""
    client.force_login(clerk)
    matrix = client.get(
        reverse("tasks:plan_progress", kwargs={"pk": fcg_plan.pk}), {"year": 2021}
    ).content.decode()
    assert "<th>一季度</th>" in matrix
    assert "<th>四季度</th>" in matrix
    assert "<th>Q1</th>" not in matrix
    client.force_login(investment_officer)
    form = client.get(report_url(task_at(fcg_plan, 22))).content.decode()
    assert ">三季度</option>" in form


def test_a_region_official_may_not_open_the_matrix(client, shangsi_official, fcg_plan):
    client.force_login(shangsi_official)
    assert client.get(reverse("tasks:plan_progress", kwargs={"pk": fcg_plan.pk})).status_code == 403


# --------------------------------------------------------------------------- web import

DOC = """2099年测试工作方案
一、主要任务
（一）做好服务。加强服务。〔市商务局、市外星办牵头，市科技局配合〕
（二）抓好落实。〔各县（市、区）人民政府负责〕
"""


def test_reading_a_pasted_document_shows_the_table_and_stores_nothing(client, clerk):
    client.force_login(clerk)
    before = Plan.objects.count()
    response = client.post(reverse("tasks:plan_import"), {"text": DOC, "preview": "1"})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.parsed.title for row in preview.tasks] == ["主要任务", "做好服务", "抓好落实"]
    assert response.context["to_correct"] == ["市外星办"]
    assert "table-warning" in response.content.decode()
    assert Plan.objects.count() == before


def test_a_chosen_department_replaces_the_unknown_unit_on_confirm(client, clerk, fangchenggang):
    invest = Department.objects.get(city=fangchenggang, name=INVEST)
    client.force_login(clerk)
    response = client.post(
        reverse("tasks:plan_import"),
        {
            "text": DOC,
            "fix_name": "市外星办",
            "fix_department": str(invest.pk),
            "confirm": "1",
        },
    )
    plan = Plan.objects.get(city=fangchenggang, title="2099年测试工作方案")
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:plan_detail", kwargs={"pk": plan.pk})
    leads = plan.tasks.get(order=2).assignments.filter(role="lead")
    assert [a.department.name for a in leads] == ["防城港市商务局", INVEST]
    assert plan.year == 2099


def test_an_empty_upload_is_refused_with_a_message_and_nothing_is_stored(client, clerk):
    client.force_login(clerk)
    before = Plan.objects.count()
    response = client.post(reverse("tasks:plan_import"), {"text": "  ", "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Plan.objects.count() == before


def test_a_file_that_is_neither_word_nor_text_is_refused(client, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    upload = SimpleUploadedFile("plan.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    response = client.post(reverse("tasks:plan_import"), {"file": upload, "preview": "1"})
    assert response.context["form"].errors
    assert response.context["preview"] is None


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_text_file_saved_as_utf8_or_as_chinese_windows_saves_it_is_read(client, clerk, encoding):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    upload = SimpleUploadedFile("plan.txt", DOC.encode(encoding))
    response = client.post(reverse("tasks:plan_import"), {"file": upload, "preview": "1"})
    assert not response.context["form"].errors
    assert response.context["preview"] is not None


def test_a_word_document_is_read_paragraph_by_paragraph(client, clerk):
    import io
    import zipfile

    from django.core.files.uploadedfile import SimpleUploadedFile

    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{line}</w:t></w:r></w:p>' for line in DOC.splitlines()
    )
    document = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    client.force_login(clerk)
    upload = SimpleUploadedFile("plan.docx", buffer.getvalue())
    response = client.post(reverse("tasks:plan_import"), {"file": upload, "preview": "1"})
    assert not response.context["form"].errors
    from_text = client.post(reverse("tasks:plan_import"), {"text": DOC, "preview": "1"})
    titles = [t.title for t in response.context["preview"].parsed.tasks]
    assert titles
    assert titles == [t.title for t in from_text.context["preview"].parsed.tasks]


def test_an_uploaded_seed_text_of_an_existing_plan_revises_it_and_keeps_its_tasks(
    client, clerk, settings, fcg_plan
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(clerk)
    text = (settings.BASE_DIR / "fixtures" / "plans" / "fangchenggang_2021.txt").read_bytes()
    tasks = sorted(Task.objects.values_list("pk", flat=True))
    preview = client.post(
        reverse("tasks:plan_import"), {"file": SimpleUploadedFile("plan.txt", text), "preview": "1"}
    )
    assert preview.context["revision"].plan == fcg_plan
    assert not preview.context["revision"].has_changes
    response = client.post(
        reverse("tasks:plan_import"),
        {"file": SimpleUploadedFile("plan.txt", text), "confirm": "1"},
    )
    assert response.status_code == 302
    assert Plan.objects.filter(title=FCG_TITLE).count() == 1
    assert sorted(Task.objects.values_list("pk", flat=True)) == tasks


def test_a_department_officer_may_not_import(client, investment_officer):
    client.force_login(investment_officer)
    response = client.post(reverse("tasks:plan_import"), {"text": DOC, "confirm": "1"})
    assert response.status_code == 403
    assert not Plan.objects.filter(title="2099年测试工作方案").exists()


GOALS_DOC = """2099年目标测试方案
一、工作目标
全市实际利用外资达到7000万美元，同比增长20%以上。
二、主要任务
（一）招商活动。各县市区年内开展至少4次外资专题招商活动。（市商务局牵头）
"""


def management(prefix: str, total: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(total),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_the_preview_shows_the_goals_and_quotas_it_read(client, clerk):
    client.force_login(clerk)
    response = client.post(reverse("tasks:plan_import"), {"text": GOALS_DOC, "preview": "1"})
    goals = [form.initial for form in response.context["goal_forms"].forms]
    # 达到7000万美元 → the city's utilised FDI; 同比增长20%以上 → its growth target
    assert [(g["metric"], g["target_value"], g["unit"], g["qualifier"]) for g in goals] == [
        ("utilised_fdi_usd", Decimal("7000"), "万美元", "达到"),
        ("utilised_fdi_growth", Decimal("20"), "%", "以上"),
    ]
    [(quota, task)] = response.context["quota_rows"]
    assert (quota.initial["quantity"], quota.initial["unit"], quota.initial["applies_to"]) == (
        4,
        "次",
        "各县市区",
    )
    assert task.title == "招商活动"
    body = response.content.decode()
    assert 'data-testid="goals"' in body
    assert 'data-testid="quotas"' in body


def test_goals_and_quotas_corrected_in_the_preview_are_stored_with_the_plan(
    client, clerk, fangchenggang
):
    client.force_login(clerk)
    data = {
        "text": GOALS_DOC,
        "confirm": "1",
        **management("goal", 2),
        "goal-0-keep": "on",
        "goal-0-text": "全市实际利用外资达到7000万美元",
        "goal-0-subject": "全市实际利用外资",
        "goal-0-metric": "utilised_fdi_usd",
        "goal-0-target_value": "8000",  # corrected from 7000
        "goal-0-unit": "万美元",
        "goal-0-qualifier": "达到",
        # goal 1 (the growth) is not kept
        "goal-1-text": "同比增长20%以上",
        "goal-1-subject": "全市实际利用外资同比增长",
        "goal-1-metric": "utilised_fdi_growth",
        "goal-1-target_value": "20",
        "goal-1-unit": "%",
        **management("quota", 1),
        "quota-0-keep": "on",
        "quota-0-task_order": "3",  # 一、 二、 （一）: the third item
        "quota-0-text": "各县市区年内开展至少4次外资专题招商活动",
        "quota-0-period": "年内",
        "quota-0-comparator": "至少",
        "quota-0-quantity": "6",  # corrected from 4
        "quota-0-unit": "次",
        "quota-0-applies_to": "各县市区",
    }
    response = client.post(reverse("tasks:plan_import"), data)
    assert response.status_code == 302
    plan = Plan.objects.get(city=fangchenggang, title="2099年目标测试方案")
    # 8000万美元 = 8000 × 10 000 US dollars
    assert [(g.metric, g.target_value, g.unit) for g in plan.goals.all()] == [
        ("utilised_fdi_usd", Decimal("80000000"), "美元")
    ]
    task = plan.tasks.get(order=3)
    assert task.requirements == [
        {
            "text": "各县市区年内开展至少4次外资专题招商活动",
            "quantity": 6,
            "unit": "次",
            "period": "年内",
            "applies_to": "各县市区",
            "comparator": "至少",
        }
    ]


def test_a_goal_with_a_target_that_is_not_a_number_is_refused_and_nothing_stored(
    client, clerk, fangchenggang
):
    client.force_login(clerk)
    data = {
        "text": GOALS_DOC,
        "confirm": "1",
        **management("goal", 1),
        "goal-0-keep": "on",
        "goal-0-text": "x",
        "goal-0-metric": "custom",
        "goal-0-target_value": "七千",
        **management("quota", 0),
    }
    response = client.post(reverse("tasks:plan_import"), data)
    assert response.status_code == 200
    assert response.context["goal_forms"].forms[0].errors
    assert not Plan.objects.filter(title="2099年目标测试方案").exists()


def test_the_share_on_track_is_printed_half_up_as_every_percentage():
    # 1 of 8 is 12.5 %: the portal's one rounding prints 13 % (Django's widthratio gave 12 %).
    matrix = selectors.ProgressMatrix(2021, [], [], 1, 1, 8)
    assert matrix.share_on_track == Decimal("0.125")
    rendered = Template("{% load portal %}{{ m.share_on_track|percent:0 }}").render(
        Context({"m": matrix})
    )
    assert rendered == "13%"
    assert selectors.ProgressMatrix(2021, [], [], None, 0, 0).share_on_track is None


LEAD_DOC = """2098年牵头测试方案
一、主要任务
（一）招商活动。开展外资专题招商活动。（市商务局、市投资促进局按职责分工负责）
"""


def test_a_lead_chosen_in_the_preview_is_stored_and_the_others_support(
    client, clerk, fangchenggang
):
    client.force_login(clerk)
    preview = client.post(reverse("tasks:plan_import"), {"text": LEAD_DOC, "preview": "1"})
    [row] = [row for row in preview.context["preview"].tasks if row.units]
    # Read as written: both units share the task by their duties, and none leads.
    assert [unit.role for unit in row.units] == ["shared", "shared"]
    assert 'data-testid="lead-choice"' in preview.content.decode()
    chosen = row.units[1].name
    response = client.post(
        reverse("tasks:plan_import"),
        {"text": LEAD_DOC, "confirm": "1", f"lead_{row.parsed.order}": chosen},
    )
    assert response.status_code == 302
    task = Task.objects.get(plan__title="2098年牵头测试方案", title="招商活动")
    roles = {a.department.name: a.role for a in task.assignments.select_related("department")}
    assert roles == {chosen: "lead", row.units[0].name: "support"}


def test_a_lead_that_is_not_one_of_the_tasks_units_changes_nothing(client, clerk, fangchenggang):
    client.force_login(clerk)
    response = client.post(
        reverse("tasks:plan_import"),
        {"text": LEAD_DOC, "preview": "1", "lead_2": "某个不存在的单位"},
    )
    [row] = [row for row in response.context["preview"].tasks if row.units]
    assert [unit.role for unit in row.units] == ["shared", "shared"]
