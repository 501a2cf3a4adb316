"""The plan pages a clerk and a leader use at 1366×768: carrying a plan forward to a new year,
the progress matrix and one of its cells opened. Screenshots go into var/screenshots/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from fdi_portal.models import Department
from tasks.models import Plan, ProgressReport, Task
from tests.browser.test_shell import log_in
from tests.browser.test_supervision import no_sideways_scroll, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_carries_the_plan_forward_and_a_leader_opens_a_cell(
    browser, live_server, clerk, leader, investment_officer, fangchenggang
):
    browser.set_window_size(1366, 768)
    plan = Plan.objects.get(city=fangchenggang, year=2021)
    task = Task.objects.get(plan=plan, order=10)
    ProgressReport.objects.create(
        task=task,
        department=Department.objects.get(city=fangchenggang, name="防城港市投资促进局"),
        year=2021,
        quarter=2,
        status="behind",
        narrative="上半年举办外资专题招商活动1次，与东盟企业对接3家；第二次活动因疫情推迟至三季度。",
        submitted_by=investment_officer,
    )
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("tasks:plan_carry_forward", kwargs={"pk": plan.pk}))
    year = browser.find_element(By.NAME, "year")
    year.clear()
    year.send_keys("2026")
    amount = browser.find_element(By.NAME, "goal_4")
    amount.clear()
    amount.send_keys("8000")
    assert no_sideways_scroll(browser)
    shot(browser, "plan-carry-forward-1366")
    form_page = browser.find_element(By.TAG_NAME, "body")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=carry-forward]").click()
    # The new plan's page, not the form's, which can still be there right after the click.
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(form_page))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "2026年防城港市扩大利用外资规模工作方案" in body
    assert "8000万美元" in body
    shot(browser, "plan-2026-1366")

    browser.delete_all_cookies()
    log_in(browser, live_server, "leader")
    browser.get(
        live_server.url + reverse("tasks:plan_progress", kwargs={"pk": plan.pk}) + "?year=2021"
    )
    assert no_sideways_scroll(browser)
    shot(browser, "plan-progress-1366")
    cell = reverse(
        "tasks:progress_cell",
        kwargs={"pk": plan.pk, "task_pk": task.pk, "year": 2021, "quarter": 2},
    )
    browser.find_element(By.CSS_SELECTOR, f'a[href="{cell}"]').click()
    missing = browser.find_element(By.CSS_SELECTOR, "[data-testid=cell-missing]")
    assert "中国国际贸易促进委员会防城港市委员会" in missing.text
    assert no_sideways_scroll(browser)
    shot(browser, "plan-progress-cell-1366")


def test_a_clerk_sees_the_diff_of_a_revised_plan_before_confirming(
    browser, live_server, clerk, fangchenggang
):
    from tests.tasks.test_revisions import revised_text

    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("tasks:plan_import"))
    area = browser.find_element(By.NAME, "text")
    browser.execute_script("arguments[0].value = arguments[1]", area, revised_text())
    button = browser.find_element(By.CSS_SELECTOR, "button[name=preview]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    browser.execute_script("arguments[0].click()", button)
    card = browser.find_element(By.CSS_SELECTOR, "[data-testid=revision]")
    assert "建立外资企业圆桌会议制度" in card.text
    assert "创新外资招商方式" in card.text
    browser.execute_script("arguments[0].scrollIntoView()", card)
    assert no_sideways_scroll(browser)
    shot(browser, "plan-revision-diff-1366")


def test_a_clerk_chooses_a_tasks_lead_in_the_import_preview(
    browser, live_server, clerk, fangchenggang
):
    from tests.tasks.test_views import LEAD_DOC

    browser.set_window_size(1366, 768)
    log_in(browser, live_server, "clerk")
    browser.get(live_server.url + reverse("tasks:plan_import"))
    area = browser.find_element(By.NAME, "text")
    browser.execute_script("arguments[0].value = arguments[1]", area, LEAD_DOC)
    button = browser.find_element(By.CSS_SELECTOR, "button[name=preview]")
    browser.execute_script("arguments[0].click()", button)
    choice = WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located(
            (By.CSS_SELECTOR, "[data-testid=lead-choice]")
        )
    )
    options = [o.text for o in choice.find_elements(By.TAG_NAME, "option")]
    assert options[0] == "按文件所列"
    chosen = options[2]
    choice.find_element(By.XPATH, f"option[normalize-space()='{chosen}']").click()
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", choice)
    assert no_sideways_scroll(browser)
    shot(browser, "plan-import-lead-1366")
    confirm = browser.find_element(By.CSS_SELECTOR, "[data-testid=confirm]")
    browser.execute_script("arguments[0].click()", confirm)
    WebDriverWait(browser, 10).until(
        lambda driver: "2098年牵头测试方案" in driver.find_element(By.TAG_NAME, "h1").text
    )
    task = Task.objects.get(plan__title="2098年牵头测试方案", title="招商活动")
    leads = [a.department.name for a in task.assignments.filter(role="lead")]
    assert leads == [chosen]
