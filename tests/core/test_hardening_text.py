"""Control characters never get in (forms, plan documents, spreadsheets) and never break an
export (text stored before they were kept out)."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from fdi_portal.lib.spreadsheets import escape_cell, write_xlsx
from fdi_portal.lib.text import clean_text
from fdi_portal.middleware import CleanTextInputMiddleware
from tasks.documents import document_text
from tasks.models import Plan, Task

BELL, VERTICAL_TAB, FORM_FEED = "\x07", "\x0b", "\x0c"


def test_words_manual_line_break_and_page_break_become_line_breaks():
    assert clean_text(f"一是加强协调{VERTICAL_TAB}二是优化服务{FORM_FEED}三") == (
        "一是加强协调\n二是优化服务\n三"
    )


def test_other_control_characters_are_removed_and_tabs_and_line_breaks_kept():
    assert clean_text(f"牵头{BELL}单位\x00：\t商务局\r\n配合\x1b单位\x7f\x85") == (
        "牵头单位：\t商务局\n配合单位\n"
    )


def test_ordinary_text_is_unchanged():
    text = "防城港市商务局（牵头）\n各县（市、区）人民政府\t2021年底前"
    assert clean_text(text) == text


def middleware_post(data: dict[str, str]):
    request = RequestFactory().post("/", data)
    CleanTextInputMiddleware(lambda r: None).process_view(request, None, (), {})
    return request.POST


def test_every_submitted_text_is_cleaned_but_passwords_are_left_as_typed():
    posted = middleware_post(
        {"narrative": f"进展{BELL}顺利{VERTICAL_TAB}下一步", "password": f"pa{BELL}ss"}
    )
    assert posted["narrative"] == "进展顺利\n下一步"
    assert posted["password"] == f"pa{BELL}ss"


def test_a_form_stores_text_without_the_control_characters_typed_into_it(admin_client):
    response = admin_client.post(reverse("admin:auth_group_add"), {"name": f"审核{BELL}组"})
    assert response.status_code == 302
    assert Group.objects.filter(name="审核组").exists()


def test_a_plan_document_loses_its_control_characters():
    pasted = f"一、总体要求{VERTICAL_TAB}（一）加强{BELL}协调".encode()
    assert document_text(pasted) == "一、总体要求\n（一）加强协调"


def test_escaping_a_cell_for_export_removes_what_xlsx_cannot_hold():
    assert escape_cell(f"={BELL}1+1") == "'=1+1"
    assert escape_cell(f"加强{VERTICAL_TAB}协调") == "加强\n协调"
    assert escape_cell(7) == 7


def test_an_export_of_stored_text_with_control_characters_does_not_fail():
    content = write_xlsx([["任务"], [f"加强{BELL}协调{VERTICAL_TAB}推进"]], title=f"标题{BELL}")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "标题"
    assert sheet["A3"].value == "加强协调\n推进"


def test_the_task_division_table_exports_text_stored_with_control_characters(
    client, clerk, fangchenggang
):
    plan = Plan.objects.filter(city=fangchenggang).first()
    task = Task.objects.filter(plan=plan).exclude(text="").order_by("pk").last()
    # Stored before control characters were kept out (older rows may hold them).
    Task.objects.filter(pk=task.pk).update(text=f"一是加强{BELL}协调{VERTICAL_TAB}二是推进")
    client.force_login(clerk)
    response = client.get(reverse("tasks:plan_export", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    values = [c for row in load_workbook(io.BytesIO(response.content)).active.values for c in row]
    assert "一是加强协调\n二是推进" in values
