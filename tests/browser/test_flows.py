"""The main flows of every role, walked through in a real browser (headless Chromium):
what the user sees on each page, and what is stored at the end."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from assessments.models import MonthlyFigure, Notice, RegionTarget
from fdi_portal.models import Department, Region
from projects.models import Project, StageChange
from tasks.models import Plan, ProgressReport, Task
from tests.browser.test_shell import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WAIT = 10


def wait_for(browser, css: str) -> WebElement:
    return WebDriverWait(browser, WAIT).until(
        expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_for_url(browser, url: str) -> None:
    WebDriverWait(browser, WAIT).until(expected_conditions.url_to_be(url))


def absent(browser, css: str) -> bool:
    """No element matches ``css`` now (without waiting the implicit 5 s for one to appear)."""
    browser.implicitly_wait(0)
    try:
        return not browser.find_elements(By.CSS_SELECTOR, css)
    finally:
        browser.implicitly_wait(5)


def form_of(element: WebElement) -> WebElement:
    return element.find_element(By.XPATH, "./ancestor::form")


def click(element: WebElement) -> None:
    """Click ``element`` once it is in view: Bootstrap's ``scroll-behavior: smooth`` would leave
    an element below the fold still moving when Selenium clicks it, so scroll at once first."""
    element.parent.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element
    )
    element.click()


def submit(element: WebElement) -> None:
    """Click the submit button of the form ``element`` belongs to (not the navbar's log-out)."""
    click(form_of(element).find_element(By.CSS_SELECTOR, "button[type=submit]"))


def set_date(browser, element: WebElement, value: str) -> None:
    """Set an <input type=date> (typing into one depends on the browser's locale)."""
    browser.execute_script("arguments[0].value = arguments[1];", element, value)


def region(name: str) -> Region:
    return Region.objects.get(name=name)


# ---------------------------------------------------------------------- figures


def test_a_clerk_imports_figures_corrects_a_cell_with_a_reason_and_sees_both_in_history(
    browser, live_server, clerk, tmp_path
):
    shangsi, gangkou = region("上思县"), region("港口区")
    MonthlyFigure.objects.create(region=shangsi, year=2021, month=1, amount_usd=Decimal("100000"))
    # A bureau-style long file: a title row above the header; 上思县 January 10 → 12.5 万美元
    # (changed), 港口区 January 30 and February 40 万美元 (new).
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ["2021年各县（市、区）实际使用外资"],
        ["地区", "年份", "月份", "实际使用外资（万美元）"],
        ["上思县", 2021, 1, 12.5],
        ["港口区", 2021, 1, 30],
        ["港口区", 2021, 2, 40],
    ):
        sheet.append(row)
    path = tmp_path / "figures.xlsx"
    workbook.save(path)

    log_in(browser, live_server, "clerk")
    browser.get(f"{live_server.url}/figures/450600/import/figures/")
    upload = browser.find_element(By.CSS_SELECTOR, "input[type=file][name=file]")
    upload.send_keys(str(path.resolve()))
    submit(upload)

    counts = wait_for(browser, ".alert-info[role=status]").text
    assert re.findall(r"\d+", counts) == ["2", "1", "0"]  # new, changed, unchanged
    assert len(browser.find_elements(By.CSS_SELECTOR, "table tbody tr.table-success")) == 2
    changed = browser.find_elements(By.CSS_SELECTOR, "table tbody tr.table-warning")
    assert len(changed) == 1
    # Region | row | year | month | stored | in the file | change
    assert [td.text for td in changed[0].find_elements(By.TAG_NAME, "td")][:6] == [
        "上思县",
        "3",
        "2021",
        "1",
        "10.00",
        "12.50",
    ]
    # Nothing is written before the clerk confirms.
    assert list(MonthlyFigure.objects.values_list("region__name", "month", "amount_usd")) == [
        ("上思县", 1, Decimal("100000.00"))
    ]

    confirm = browser.find_element(By.CSS_SELECTOR, "form[action$='/confirm/'] [type=submit]")
    click(confirm)
    wait_for_url(browser, f"{live_server.url}/figures/450600/2021/")
    assert "12.50" in browser.find_element(By.ID, f"cell-{shangsi.pk}-1").text
    assert "30.00" in browser.find_element(By.ID, f"cell-{gangkou.pk}-1").text
    assert "40.00" in browser.find_element(By.ID, f"cell-{gangkou.pk}-2").text

    # Correct 港口区's February in place: 40 → 45 万美元, with a reason.
    click(browser.find_element(By.ID, f"cell-{gangkou.pk}-2"))
    amount = wait_for(browser, f"#cell-{gangkou.pk}-2 input[name=amount_wan]")
    amount.clear()
    amount.send_keys("45")
    browser.find_element(By.CSS_SELECTOR, f"#cell-{gangkou.pk}-2 input[name=reason]").send_keys(
        "县商务局报送更正"
    )
    submit(amount)
    WebDriverWait(browser, WAIT).until(
        expected_conditions.text_to_be_present_in_element((By.ID, f"cell-{gangkou.pk}-2"), "45.00")
    )
    # 港口区's year to date follows: 30 + 45 = 75 万美元.
    row = browser.find_element(By.ID, f"cell-{gangkou.pk}-2").find_element(By.XPATH, "..")
    assert "75.00" in row.text

    assert {
        (f.region.name, f.month): f.amount_usd
        for f in MonthlyFigure.objects.select_related("region")
    } == {
        ("上思县", 1): Decimal("125000.00"),
        ("港口区", 1): Decimal("300000.00"),
        ("港口区", 2): Decimal("450000.00"),
    }

    browser.get(f"{live_server.url}/figures/450600/2021/history/")
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in browser.find_elements(By.CSS_SELECTOR, "table tbody tr")
    ]
    # (who, region, old, new, reason); the import's reason defaults to a generic one.
    seen = {(r[1], r[2], r[4], r[5]) for r in rows}
    assert ("clerk", "上思县", "10.00", "12.50") in seen  # the import
    assert ("clerk", "港口区", "—", "30.00") in seen  # the import
    assert ("clerk", "港口区", "—", "40.00") in seen  # the import
    correction = [r for r in rows if r[1:3] == ["clerk", "港口区"] and r[5] == "45.00"]
    assert len(correction) == 1
    assert correction[0][4] == "40.00"
    assert correction[0][6] == "县商务局报送更正"
    assert MonthlyFigure.history.filter(
        region=gangkou, month=2, history_change_reason="县商务局报送更正"
    ).exists()


# ---------------------------------------------------------------------- notices


def test_a_clerk_issues_the_monthly_notice_and_a_county_official_sees_it_and_their_rank(
    browser, live_server, clerk, shangsi_official
):
    """June 2021: 港口区 600 of 1000万 (60%, rank 1), 防城区 400 of 800万 (50%, rank 2), 上思县
    100 of 600万 (16.67%, rank 3)."""
    for name, target, monthly in (
        ("港口区", "10000000", "1000000"),
        ("防城区", "8000000", "800000"),
        ("上思县", "6000000", None),
    ):
        RegionTarget.objects.create(region=region(name), year=2021, target_usd=Decimal(target))
        if monthly:
            for month in range(1, 6):
                MonthlyFigure.objects.create(
                    region=region(name), year=2021, month=month, amount_usd=Decimal(monthly)
                )
    MonthlyFigure.objects.create(
        region=region("港口区"), year=2021, month=6, amount_usd=Decimal("1000000")
    )
    MonthlyFigure.objects.create(
        region=region("防城区"), year=2021, month=6, amount_usd=Decimal("0")
    )
    MonthlyFigure.objects.create(
        region=region("上思县"), year=2021, month=6, amount_usd=Decimal("1000000")
    )

    log_in(browser, live_server, "clerk")
    browser.get(f"{live_server.url}/figures/450600/notices/?year=2021")
    click(browser.find_element(By.CSS_SELECTOR, "a[href$='/figures/450600/notices/2021/6/']"))
    wait_for(browser, ".notice-draft")
    sequence = browser.find_element(By.ID, "id_sequence")
    sequence.clear()
    sequence.send_keys("6")
    set_date(browser, browser.find_element(By.ID, "id_issued_on"), "2021-07-10")
    submit(sequence)

    number = wait_for(browser, "[data-testid=notice-number]")
    assert number.text == "〔2021〕第6期"
    assert absent(browser, ".notice-draft")
    assert absent(browser, "form[action$='/issue/']")
    assert "2021-07-10" in browser.find_element(By.CSS_SELECTOR, "article.notice-page").text
    notice = Notice.objects.get(city__admin_code="450600", year=2021, month=6)
    assert notice.status == Notice.Status.ISSUED
    assert notice.number == "〔2021〕第6期"
    assert notice.issued_on == dt.date(2021, 7, 10)
    assert notice.issued_by == clerk

    log_in(browser, live_server, "shangsi")
    # Their home page: the current ranking, their own row highlighted.
    own = wait_for(browser, "[data-testid=ranking] tr.table-primary")
    cells = [cell.text for cell in own.find_elements(By.CSS_SELECTOR, "td, th")]
    assert cells[:2] == ["3", "上思县"]
    assert cells[3] == "16.67%"

    browser.get(f"{live_server.url}/figures/450600/notices/?year=2021")
    links = [
        a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "a[href*='/figures/450600/notices/2021/']")
    ]
    # The issued notice only: no draft of months 1–5 is offered.
    assert links == [f"{live_server.url}/figures/450600/notices/2021/6/"]
    click(browser.find_element(By.LINK_TEXT, "〔2021〕第6期"))
    assert wait_for(browser, "[data-testid=notice-number]").text == "〔2021〕第6期"
    ranks = {
        tr.get_attribute("data-code"): tr.find_element(By.TAG_NAME, "td").text
        for tr in browser.find_elements(By.CSS_SELECTOR, ".notice-table tbody tr")
    }
    assert ranks == {"450602": "1", "450603": "2", "450621": "3", "450681": "—"}

    # A draft stays out of their reach even by its address.
    browser.get(f"{live_server.url}/figures/450600/notices/2021/5/")
    assert browser.title.startswith("页面不存在")  # the portal's own 404 page
    assert absent(browser, ".notice-draft")
    assert absent(browser, ".notice-table")


# ---------------------------------------------------------------------- progress


def test_an_officer_files_a_quarterly_report_and_the_clerk_sees_it_in_the_matrix(
    browser, live_server, clerk, investment_officer
):
    """（四）加强督促落实 is led by the 商务局 and the 投资促进局. The 商务局 has reported Q3 2021
    done; once the 投资促进局 reports it behind, the task's Q3 is behind (the worst wins)."""
    plan = Plan.objects.get(city__admin_code="450600")
    task = Task.objects.get(plan=plan, title="加强督促落实")
    commerce = Department.objects.get(city=plan.city, name="防城港市商务局")
    ProgressReport.objects.create(
        task=task, department=commerce, year=2021, quarter=3, status="done", submitted_by=clerk
    )

    log_in(browser, live_server, "invest")
    click(
        browser.find_element(
            By.CSS_SELECTOR,
            f"a[href$='/plans/{plan.pk}/units/{investment_officer.membership.department_id}/']",
        )
    )
    click(browser.find_element(By.CSS_SELECTOR, f"a[href$='/plans/tasks/{task.pk}/report/']"))
    year = wait_for(browser, "#id_year")
    Select(year).select_by_value("2021")  # the plan's years only
    Select(browser.find_element(By.ID, "id_quarter")).select_by_value("3")
    Select(browser.find_element(By.ID, "id_status")).select_by_value("behind")
    browser.find_element(By.ID, "id_narrative").send_keys("督查通报尚未印发。")
    submit(year)

    report_row = wait_for(browser, f"tr[data-report='2021Q3-{task.order}']")
    assert "加强督促落实" in report_row.text
    assert "督查通报尚未印发。" in report_row.text
    report = ProgressReport.objects.get(
        task=task, department=investment_officer.membership.department
    )
    assert (report.year, report.quarter, report.status) == (2021, 3, "behind")
    assert report.submitted_by == investment_officer

    log_in(browser, live_server, "clerk")
    browser.get(f"{live_server.url}/plans/{plan.pk}/progress/?year=2021")
    row = browser.find_element(
        By.XPATH, "//tbody/tr[td[1][contains(normalize-space(.), '加强督促落实')]]"
    )
    q3 = row.find_elements(By.TAG_NAME, "td")[3]
    assert q3.get_attribute("data-status") == "behind"
    assert q3.text == "滞后"
    assert "table-danger" in q3.get_attribute("class")
    # The cell's tooltip names each unit with its report.
    assert "防城港市投资促进局" in q3.get_attribute("title")
    assert "防城港市商务局" in q3.get_attribute("title")


# ---------------------------------------------------------------------- projects


def test_a_clerk_creates_a_project_and_moves_it_from_signed_to_landed_but_not_backwards_in_time(
    browser, live_server, clerk
):
    log_in(browser, live_server, "clerk")
    browser.get(f"{live_server.url}/projects/new/")
    name = browser.find_element(By.ID, "id_name")
    name.send_keys("上思县东盟坚果加工项目")
    Select(browser.find_element(By.ID, "id_region")).select_by_visible_text("上思县")
    # Recorded as landed before it was signed: refused, the form says why, nothing is stored.
    Select(browser.find_element(By.ID, "id_stage")).select_by_value("landed")
    set_date(browser, browser.find_element(By.ID, "id_signed_on"), "2021-03-01")
    set_date(browser, browser.find_element(By.ID, "id_landed_on"), "2021-02-01")
    submit(name)
    landed_error = browser.find_element(
        By.XPATH,
        "//input[@id='id_landed_on']/following-sibling::div[contains(@class, 'text-danger')]",
    )
    assert landed_error.text == "该日期早于前一阶段的日期。"
    assert not Project.objects.exists()

    # As signed on 1 March.
    Select(browser.find_element(By.ID, "id_stage")).select_by_value("signed")
    set_date(browser, browser.find_element(By.ID, "id_landed_on"), "")
    submit(browser.find_element(By.ID, "id_name"))

    heading = wait_for(browser, "h1")
    assert heading.text == "上思县东盟坚果加工项目"
    project = Project.objects.get(name="上思县东盟坚果加工项目")
    assert (project.region.name, project.stage, project.signed_on) == (
        "上思县",
        "signed",
        dt.date(2021, 3, 1),
    )
    detail = f"{live_server.url}/projects/{project.pk}/"
    assert browser.current_url == detail

    # A landing dated before the signing is refused, with a message; nothing changes.
    Select(browser.find_element(By.ID, "id_stage")).select_by_value("landed")
    on = browser.find_element(By.ID, "id_on")
    set_date(browser, on, "2021-02-01")
    submit(on)
    error = wait_for(browser, ".alert-danger[role=alert]")
    # The message names the stage and date that were refused, and why.
    assert error.text == "2021-02-01转入“落地”阶段未记录：该日期早于前一阶段的日期。"
    project.refresh_from_db()
    assert (project.stage, project.landed_on) == ("signed", None)
    assert StageChange.objects.filter(project=project).count() == 1

    # Landed on 15 April: accepted and logged.
    Select(browser.find_element(By.ID, "id_stage")).select_by_value("landed")
    on = browser.find_element(By.ID, "id_on")
    set_date(browser, on, "2021-04-15")
    submit(on)
    wait_for(browser, ".alert-success[role=alert]")
    log = browser.find_element(By.XPATH, "//h3/following-sibling::ul[1]").text
    assert "2021-03-01 — → 签约 · clerk" in log
    assert "2021-04-15 签约 → 落地 · clerk" in log
    assert "落地" in browser.find_element(By.CSS_SELECTOR, "p.text-muted strong").text
    project.refresh_from_db()
    assert (project.stage, project.signed_on, project.landed_on) == (
        "landed",
        dt.date(2021, 3, 1),
        dt.date(2021, 4, 15),
    )
    assert list(
        StageChange.objects.filter(project=project)
        .order_by("pk")
        .values_list("from_stage", "to_stage", "changed_on")
    ) == [("", "signed", dt.date(2021, 3, 1)), ("signed", "landed", dt.date(2021, 4, 15))]
