"""The monthly cycle on the figures grid: counties submit, staff verify or return,
months are locked; implausible values are confirmed; stale edits are refused. Amounts typed
in 万美元 are stored in USD (× 10 000)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from assessments import figure_imports, figures, submissions
from assessments.models import FigureSubmission, MonthlyFigure, PeriodLock, RegionTarget
from assessments.pages import draft_report, figure_grid
from fdi_portal.models import Region
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
LONG_HEADER = ["地区", "年份", "月份", "实际使用外资（万美元）"]


def region(name: str) -> Region:
    return Region.objects.get(name=name)


def figure(name: str, year: int, month: int, usd: str, **extra) -> MonthlyFigure:
    return MonthlyFigure.objects.create(
        region=region(name), year=year, month=month, amount_usd=Decimal(usd), **extra
    )


def submit_url(name: str, month: int, year: int = 2021) -> str:
    return reverse("assessments:figure_submit", args=["450600", year, region(name).pk, month])


def cell_url(name: str, month: int, year: int = 2021) -> str:
    return reverse("assessments:figure_cell", args=["450600", year, region(name).pk, month])


def target_url(name: str, year: int = 2021) -> str:
    return reverse("assessments:target_cell", args=["450600", year, region(name).pk])


QUEUE = reverse("assessments:submission_queue", args=["450600"])


def submit(user, name: str = "上思县", month: int = 3, usd: str = "500000", **extra):
    return submissions.submit_figure(
        region=region(name),
        year=2021,
        month=month,
        amount_usd=Decimal(usd),
        note=extra.pop("note", "企业报表"),
        user=user,
        **extra,
    )


@pytest.fixture
def shangsi_march(fangchenggang):
    """上思县: February 2021 official at 40万 (the only figure of the city's 2021)."""
    figure("上思县", 2021, 2, "400000")


# --------------------------------------------------------------------------- submission


def test_a_submitted_figure_waits_and_notices_count_verified_figures_only(
    client, shangsi_official, clerk, fangchenggang, shangsi_march
):
    client.force_login(shangsi_official)
    response = client.post(submit_url("上思县", 3), {"amount_wan": "50", "note": "企业报表"})

    assert response.status_code == 200
    submission = FigureSubmission.objects.get()
    assert (submission.status, submission.amount_usd, submission.note) == (
        "submitted",
        Decimal("500000.00"),
        "企业报表",
    )
    assert submission.submitted_by == shangsi_official
    # Not official yet: no March figure, the draft notice of March counts February's 40万 only.
    assert not MonthlyFigure.objects.filter(month=3).exists()
    assert draft_report(fangchenggang, 2021, 3).city_ytd_usd == Decimal("400000")
    # The cell shows its state.
    [row] = figure_grid(fangchenggang, 2021, regions=[region("上思县")]).rows
    assert row.cells[2].submission == submission
    assert submission.get_status_display() in response.content.decode()

    submissions.verify_submission(submission=submission, user=clerk)

    assert MonthlyFigure.objects.get(month=3).amount_usd == Decimal("500000.00")
    # 40万 + 50万.
    assert draft_report(fangchenggang, 2021, 3).city_ytd_usd == Decimal("900000")
    submission.refresh_from_db()
    assert (submission.status, submission.reviewed_by) == ("verified", clerk)
    record = MonthlyFigure.history.get(month=3)
    assert record.history_user == clerk
    assert "企业报表" in record.history_change_reason


def test_a_returned_figure_tells_the_county_why_and_a_new_submission_follows(
    client, shangsi_official, clerk, shangsi_march
):
    submission = submit(shangsi_official)
    with pytest.raises(ValidationError):
        submissions.return_submission(submission=submission, user=clerk, reason="  ")
    submissions.return_submission(submission=submission, user=clerk, reason="与统计局数据不符")

    client.force_login(shangsi_official)
    form = client.get(submit_url("上思县", 3)).content.decode()
    assert "与统计局数据不符" in form
    queue = client.get(QUEUE).content.decode()
    assert "与统计局数据不符" in queue

    again = submit(shangsi_official, usd="450000")
    assert again.status == "submitted"
    assert not MonthlyFigure.objects.filter(month=3).exists()


def test_a_second_submission_replaces_the_waiting_one(shangsi_official, shangsi_march):
    first = submit(shangsi_official, usd="500000")
    second = submit(shangsi_official, usd="510000")

    first.refresh_from_db()
    assert first.status == "superseded"
    assert list(FigureSubmission.objects.awaiting()) == [second]


def test_a_submission_equal_to_the_official_figure_is_refused(shangsi_official, shangsi_march):
    with pytest.raises(ValidationError):
        submit(shangsi_official, month=2, usd="400000")
    assert not FigureSubmission.objects.exists()


def test_a_county_official_submits_only_for_their_own_region(
    client, shangsi_official, shangsi_march
):
    client.force_login(shangsi_official)
    response = client.post(submit_url("东兴市", 3), {"amount_wan": "50"})
    assert response.status_code == 404
    assert client.post(cell_url("上思县", 3), {"amount_wan": "50"}).status_code == 403
    assert not FigureSubmission.objects.exists()
    assert not MonthlyFigure.objects.filter(month=3).exists()


def test_a_county_official_cannot_verify_their_own_submission(
    client, shangsi_official, shangsi_march
):
    submission = submit(shangsi_official)
    client.force_login(shangsi_official)
    url = reverse("assessments:submission_verify", args=["450600", submission.pk])
    assert client.post(url).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_staff_verify_and_return_from_the_queue(client, clerk, shangsi_official, dongxing_official):
    waiting = submit(shangsi_official)
    other = submit(dongxing_official, name="东兴市")
    client.force_login(clerk)
    page = client.get(QUEUE)
    assert [row[0] for row in page.context["rows"]] == [waiting, other]  # oldest first

    client.post(reverse("assessments:submission_verify", args=["450600", waiting.pk]))
    client.post(
        reverse("assessments:submission_return", args=["450600", other.pk]), {"reason": "缺附件"}
    )

    assert MonthlyFigure.objects.get(region__name="上思县", month=3).amount_usd == Decimal(
        "500000.00"
    )
    assert not MonthlyFigure.objects.filter(region__name="东兴市").exists()
    assert list(client.get(QUEUE).context["rows"]) == []


def test_the_queue_paginates_with_a_constant_number_of_queries(
    client, clerk, shangsi_official, django_assert_max_num_queries
):
    submitter = shangsi_official
    regions = list(Region.objects.in_city(clerk.membership.city).assessed())
    now = timezone.now()
    FigureSubmission.objects.bulk_create(
        FigureSubmission(
            region=r,
            year=year,
            month=m,
            amount_usd=Decimal(100 + m),
            submitted_by=submitter,
            submitted_at=now,
        )
        for r in regions
        for year in (2020, 2021)
        for m in range(1, 13)
    )
    client.force_login(clerk)
    with django_assert_max_num_queries(10):
        page = client.get(QUEUE)
    # 4 regions × 2 years × 12 months = 96 waiting: 50 on the first page.
    assert len(page.context["rows"]) == 50
    assert page.context["pagination"].total == 96
    with django_assert_max_num_queries(10):
        assert len(client.get(QUEUE, {"page": 2}).context["rows"]) == 46


def test_every_step_of_the_cycle_is_in_the_history(client, clerk, shangsi_official, settings):
    returned = submit(shangsi_official, usd="500000", note="初报")
    submissions.return_submission(submission=returned, user=clerk, reason="口径不对")
    verified = submit(shangsi_official, usd="450000", note="更正")
    submissions.verify_submission(submission=verified, user=clerk)

    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    entries = client.get(reverse("assessments:figure_history", args=["450600", 2021])).context[
        "entries"
    ]

    steps = sorted((e.what, e.who, e.new_usd, e.reason) for e in entries if e.what != "figure")
    assert steps == sorted(
        [
            ("submitted", "shangsi", Decimal("500000.00"), "初报"),
            ("returned", "clerk", Decimal("500000.00"), "口径不对"),
            ("submitted", "shangsi", Decimal("450000.00"), "更正"),
            ("verified", "clerk", Decimal("450000.00"), ""),
        ]
    )
    # The official figure's own change: by the verifying clerk, naming the county's note.
    [change] = [e for e in entries if e.what == "figure"]
    assert (change.who, change.old_usd, change.new_usd) == ("clerk", None, Decimal("450000.00"))
    assert "shangsi" in change.reason
    assert "更正" in change.reason


def test_a_county_official_imports_their_figures_as_submissions(
    client, shangsi_official, xlsx, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path
    client.force_login(shangsi_official)
    path = xlsx([LONG_HEADER, ["上思县", 2021, 1, 30], ["上思县", 2021, 2, 40]])
    with path.open("rb") as upload:
        preview = client.post(
            reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
        )
    assert preview.context["preview"].reason_required is False
    client.post(
        reverse("assessments:import_confirm", args=["450600", "figures"]),
        {"token": preview.context["token"], "fingerprint": preview.context["fingerprint"]},
    )

    assert sorted(FigureSubmission.objects.values_list("month", "amount_usd", "status")) == [
        (1, Decimal("300000.00"), "submitted"),
        (2, Decimal("400000.00"), "submitted"),
    ]
    assert not MonthlyFigure.objects.exists()


def test_a_county_officials_file_naming_another_region_is_refused(client, shangsi_official, xlsx):
    client.force_login(shangsi_official)
    path = xlsx([LONG_HEADER, ["东兴市", 2021, 1, 30]])
    with path.open("rb") as upload:
        preview = client.post(
            reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
        ).context["preview"]
    [error] = preview.errors
    assert "东兴市" in error
    assert "第2行" in error


# --------------------------------------------------------------------------- period lock


def lock_march(clerk, fangchenggang) -> PeriodLock:
    return figures.lock_month(city=fangchenggang, year=2021, month=3, user=clerk)


def test_a_locked_month_refuses_every_change(
    clerk, shangsi_official, fangchenggang, xlsx, table_state
):
    figure("上思县", 2021, 3, "100000")
    waiting = submit(shangsi_official, usd="120000")
    lock_march(clerk, fangchenggang)
    before = table_state()

    with pytest.raises(ValidationError, match="2021-03"):
        figures.set_monthly_figure(
            region=region("上思县"),
            year=2021,
            month=3,
            amount_usd=Decimal("110000"),
            user=clerk,
            reason="更正",
        )
    with pytest.raises(ValidationError):
        submit(shangsi_official, usd="130000")
    with pytest.raises(ValidationError):
        submissions.verify_submission(submission=waiting, user=clerk)
    path = xlsx([LONG_HEADER, ["上思县", 2021, 3, 11], ["上思县", 2021, 4, 1]])
    preview = figure_imports.preview_figures_import(path, city=fangchenggang, max_bytes=None)
    [error] = preview.errors
    assert error.startswith('工作表"Sheet1" 第2行 C列')
    assert "2021-03" in error
    with pytest.raises(CommandError):
        call_command("import_figures", str(path), "--reason", "更正")

    assert table_state() == before
    # April is not locked.
    figures.set_monthly_figure(
        region=region("上思县"), year=2021, month=4, amount_usd=Decimal(1), user=clerk, reason=""
    )


def test_unlocking_needs_a_reason_which_the_history_keeps(client, clerk, fangchenggang, settings):
    lock_march(clerk, fangchenggang)
    with pytest.raises(ValidationError):
        figures.unlock_month(city=fangchenggang, year=2021, month=3, user=clerk, reason=" ")
    assert PeriodLock.objects.exists()

    figures.unlock_month(city=fangchenggang, year=2021, month=3, user=clerk, reason="统计局更正")

    assert not PeriodLock.objects.exists()
    records = PeriodLock.history.order_by("history_id")
    assert [(r.history_type, r.history_user, r.history_change_reason) for r in records][1:] == [
        ("-", clerk, "统计局更正")
    ]
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    entries = client.get(reverse("assessments:figure_history", args=["450600", 2021])).context[
        "entries"
    ]
    assert ("month unlocked", 3, "统计局更正") in {(e.what, e.month, e.reason) for e in entries}


def test_staff_lock_a_month_from_the_grid_and_it_shows_locked(client, clerk, fangchenggang):
    figure("上思县", 2021, 3, "100000")
    client.force_login(clerk)
    client.post(reverse("assessments:month_lock", args=["450600", 2021, 3]))
    # Locking twice is refused with a message, not an error page.
    again = client.post(reverse("assessments:month_lock", args=["450600", 2021, 3]), follow=True)
    assert again.status_code == 200
    assert PeriodLock.objects.get().locked_by == clerk
    page = client.get(reverse("assessments:figure_grid", args=["450600", 2021]))
    assert page.context["grid"].locked_months == frozenset({3})
    # A locked cell opens no editor.
    assert cell_url("上思县", 3) not in page.content.decode()
    refused = client.post(reverse("assessments:month_unlock", args=["450600", 2021, 3]))
    assert refused.status_code == 302
    assert PeriodLock.objects.exists()


# --------------------------------------------------------------------------- plausibility


def months_of_2020(name: str, usd: str) -> None:
    for month in range(1, 13):
        figure(name, 2020, month, usd)


def test_a_grid_entry_three_times_the_median_needs_confirming(client, clerk, fangchenggang):
    # 东兴市: 100万 every month of 2020 (the median), so 300万 in January 2021 is exactly 3×.
    months_of_2020("东兴市", "1000000")
    client.force_login(clerk)
    form = client.get(cell_url("东兴市", 1)).context["form"]
    opened = form["opened"].value()

    asked = client.post(cell_url("东兴市", 1), {"amount_wan": "300", "opened": opened})

    assert "confirm" in asked.content.decode()
    assert asked.context["warnings"]
    assert not MonthlyFigure.objects.filter(year=2021).exists()
    just_below = client.post(cell_url("东兴市", 1), {"amount_wan": "299.9999", "opened": opened})
    assert just_below.status_code == 200
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("2999999.00")


def test_a_confirmed_implausible_entry_is_written(clerk, fangchenggang):
    months_of_2020("东兴市", "1000000")
    figures.set_monthly_figure(
        region=region("东兴市"),
        year=2021,
        month=1,
        amount_usd=Decimal("3000000"),
        user=clerk,
        reason="",
        confirmed=True,
    )
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("3000000")


def test_a_month_not_begun_is_refused_to_a_submission_its_verification_and_the_grid(
    client, clerk, shangsi_official, fangchenggang
):
    """2030-01 submitted and verified became official: a month to come has no figure yet."""
    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationError, match=f"{next_year}-01"):
        submissions.submit_figure(
            region=region("上思县"),
            year=next_year,
            month=1,
            amount_usd=Decimal(1),
            note="",
            user=shangsi_official,
            confirmed=True,
        )
    # One waiting from before the rule is not verified into an official figure either.
    waiting = FigureSubmission.objects.create(
        region=region("上思县"),
        year=next_year,
        month=1,
        amount_usd=Decimal(1),
        submitted_by=shangsi_official,
        submitted_at=timezone.now(),
    )
    with pytest.raises(ValidationError, match=f"{next_year}-01"):
        submissions.verify_submission(submission=waiting, user=clerk, reason="x")
    client.force_login(clerk)
    response = client.post(
        cell_url("上思县", 1, year=next_year),
        {"amount_wan": "1", "opened": "none", "confirm": "on"},
    )
    assert f"{next_year}-01" in response.content.decode()
    assert not MonthlyFigure.objects.exists()
    assert FigureSubmission.objects.get().status == "submitted"


def test_a_figures_file_with_a_month_not_begun_names_the_cell_and_writes_nothing(
    client, shangsi_official, xlsx
):
    next_year = timezone.localdate().year + 1
    client.force_login(shangsi_official)
    path = xlsx([LONG_HEADER, ["上思县", 2021, 1, 30], ["上思县", next_year, 2, 40]])
    with path.open("rb") as upload:
        preview = client.post(
            reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
        ).context["preview"]
    [error] = preview.errors
    assert "第3行" in error
    assert f"{next_year}-02" in error
    assert not FigureSubmission.objects.exists()


def test_the_import_preview_shows_stored_new_and_a_difference_it_can_see(
    client, clerk, fangchenggang, xlsx, settings, tmp_path
):
    """The 43 phantom 修改 rows: 340.8123 stored, 340.81 in the file. At two decimals both
    read 340.81; the preview shows them with four, and the difference −0.0023."""
    settings.IMPORT_DIR = tmp_path
    figure("东兴市", 2021, 1, "3408123")
    figure("东兴市", 2021, 2, "3408100")
    client.force_login(clerk)
    path = xlsx([LONG_HEADER, ["东兴市", 2021, 1, "340.81"], ["东兴市", 2021, 2, "340.81"]])
    with path.open("rb") as upload:
        response = client.post(
            reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
        )

    changed, unchanged = [
        [value for value, _numeric in cells] for _s, cells in response.context["rows"]
    ]
    # Region, row, year, month, stored, in the file, difference, change, check.
    assert changed[4:7] == ["340.8123", "340.8100", "−0.0023"]
    assert unchanged[4:7] == ["340.81", "340.81", ""]
    page = response.content.decode()
    assert "data-changes-only" in page
    assert 'class="preview-unchanged' in page


def test_an_implausible_import_is_written_only_once_confirmed(
    client, clerk, fangchenggang, xlsx, settings, tmp_path
):
    """The typo 340.81 → 1 340.81 (×3.9 of the usual month) is asked about."""
    settings.IMPORT_DIR = tmp_path
    months_of_2020("东兴市", "3408100")
    client.force_login(clerk)
    path = xlsx([LONG_HEADER, ["东兴市", 2021, 1, "1340.81"]])
    with path.open("rb") as upload:
        response = client.post(
            reverse("assessments:import_upload", args=["450600", "figures"]), {"file": upload}
        )
    # 1 340.81 is 3.9× the median (340.81) and 3.9× last January (340.81).
    warnings = response.context["preview"].warnings
    assert len(warnings) == 2
    assert all("东兴市" in warning and "3.9" in warning for warning in warnings)
    confirm = {"token": response.context["token"], "fingerprint": response.context["fingerprint"]}
    url = reverse("assessments:import_confirm", args=["450600", "figures"])

    client.post(url, confirm)
    assert not MonthlyFigure.objects.filter(year=2021).exists()

    client.post(url, {**confirm, "confirm_warnings": "1"})
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("13408100.00")


def test_the_import_command_asks_for_confirm_warnings(clerk, fangchenggang, xlsx):
    months_of_2020("东兴市", "3408100")
    path = xlsx([LONG_HEADER, ["东兴市", 2021, 1, "1340.81"]])
    with pytest.raises(CommandError, match="--confirm-warnings"):
        call_command("import_figures", str(path))
    assert not MonthlyFigure.objects.filter(year=2021).exists()
    call_command("import_figures", str(path), "--confirm-warnings")
    assert MonthlyFigure.objects.filter(year=2021).exists()


# --------------------------------------------------------------------------- demo values


def test_a_demo_value_replaced_in_the_grid_shows_its_old_value_in_the_history(
    client, clerk, fangchenggang
):
    # Demo data is loaded without history (bulk_create), as assessments.demo does.
    MonthlyFigure.objects.bulk_create(
        [
            MonthlyFigure(
                region=region("上思县"),
                year=2021,
                month=5,
                amount_usd=Decimal(639000),
                is_demo=True,
            )
        ]
    )
    figures.set_monthly_figure(
        region=region("上思县"),
        year=2021,
        month=5,
        amount_usd=Decimal(1200000),
        user=clerk,
        reason="",
    )
    client.force_login(clerk)
    [entry] = client.get(reverse("assessments:figure_history", args=["450600", 2021])).context[
        "entries"
    ]
    # 「63.90 → 120.00」, not 「— → 120.00」.
    assert (entry.old_usd, entry.new_usd, entry.old_is_demo) == (
        Decimal(639000),
        Decimal(1200000),
        True,
    )


def test_a_demo_value_replaced_by_an_import_shows_its_old_value_too(clerk, fangchenggang, xlsx):
    MonthlyFigure.objects.bulk_create(
        [
            MonthlyFigure(
                region=region("上思县"),
                year=2021,
                month=5,
                amount_usd=Decimal(639000),
                is_demo=True,
            )
        ]
    )
    path = xlsx([LONG_HEADER, ["上思县", 2021, 5, 120]])
    figure_imports.apply_import(
        figure_imports.preview_figures_import(path, city=fangchenggang, max_bytes=None), user=clerk
    )
    records = MonthlyFigure.history.order_by("history_id")
    assert [(r.amount_usd, r.is_demo) for r in records] == [
        (Decimal("639000.00"), True),
        (Decimal("1200000.00"), False),
    ]


# --------------------------------------------------------------------------- stale edits


def test_a_stale_cell_edit_is_refused_shows_the_other_value_and_writes_nothing(
    client, clerk, fangchenggang
):
    figure("港口区", 2021, 1, "1000000")
    other = make_user("other_clerk", clerk.membership.role, city=fangchenggang)
    client.force_login(clerk)
    opened = client.get(cell_url("港口区", 1)).context["form"]["opened"].value()
    # B saves 200 from their own form …
    figures.set_monthly_figure(
        region=region("港口区"),
        year=2021,
        month=1,
        amount_usd=Decimal(2000000),
        user=other,
        reason="",
        opened_usd=Decimal(1000000),
    )
    # … then A saves 300 from the stale one.
    stale = client.post(cell_url("港口区", 1), {"amount_wan": "150", "opened": opened})

    assert stale.context["stale_usd"] == Decimal("2000000.00")
    assert "200.00" in stale.content.decode()
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("2000000.00")
    # The form now carries B's value: saving again, knowingly, goes through.
    again = stale.context["form"]["opened"].value()
    client.post(cell_url("港口区", 1), {"amount_wan": "150", "opened": again})
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("1500000.00")


def test_a_cell_created_meanwhile_is_not_overwritten(client, clerk, fangchenggang):
    client.force_login(clerk)
    opened = client.get(cell_url("港口区", 1)).context["form"]["opened"].value()
    assert opened == "none"
    figure("港口区", 2021, 1, "1000000")
    client.post(cell_url("港口区", 1), {"amount_wan": "", "opened": opened})
    assert MonthlyFigure.objects.get(year=2021).amount_usd == Decimal("1000000")


def test_a_stale_target_edit_is_refused(client, clerk, fangchenggang):
    RegionTarget.objects.create(region=region("东兴市"), year=2021, target_usd=Decimal(10**7))
    client.force_login(clerk)
    opened = client.get(target_url("东兴市")).context["form"]["opened"].value()
    RegionTarget.objects.filter(region__name="东兴市").update(target_usd=Decimal(2 * 10**7))

    stale = client.post(target_url("东兴市"), {"amount_wan": "3000", "opened": opened})

    assert stale.context["stale_usd"] == Decimal("20000000.00")
    assert RegionTarget.objects.get().target_usd == Decimal("20000000.00")


def test_the_issued_notice_offers_staff_the_month_lock(client, clerk, fangchenggang):
    from assessments.issuing import issue_notice

    figure("上思县", 2021, 3, "100000")
    issue_notice(city=fangchenggang, year=2021, month=3, issued_on=timezone.localdate(), user=clerk)
    client.force_login(clerk)
    url = reverse("assessments:notice_detail", args=["450600", 2021, 3])
    assert 'data-testid="lock-month"' in client.get(url).content.decode()

    client.post(reverse("assessments:month_lock", args=["450600", 2021, 3]))

    assert client.get(url).context["month_locked"] is True
    assert 'data-testid="lock-month"' not in client.get(url).content.decode()


def test_verifying_a_month_a_notice_covers_needs_a_note_or_a_reason(
    client, clerk, shangsi_official, fangchenggang
):
    from assessments.models import Notice

    Notice.objects.create(city=fangchenggang, year=2021, month=3, status=Notice.Status.ISSUED)
    submission = submit(shangsi_official, note="")
    client.force_login(clerk)
    url = reverse("assessments:submission_verify", args=["450600", submission.pk])

    client.post(url, {"reason": ""})
    assert not MonthlyFigure.objects.exists()
    # The county's own note is theirs: staff still say why they change a published month.
    noted = submit(shangsi_official, name="东兴市", note="企业补报")
    with pytest.raises(ValidationError, match="修改原因"):
        submissions.verify_submission(submission=noted, user=clerk)
    assert not MonthlyFigure.objects.exists()

    client.post(url, {"reason": "统计局核定"})
    record = MonthlyFigure.history.get()
    assert "统计局核定" in record.history_change_reason
    submission.refresh_from_db()
    assert (submission.status, submission.review_reason) == ("verified", "统计局核定")


def test_a_county_officials_template_lists_their_own_region_only(client, shangsi_official):
    import io

    from openpyxl import load_workbook

    client.force_login(shangsi_official)
    response = client.get(reverse("assessments:import_template", args=["450600", "figures-long"]))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    # Named in Chinese as the clerk reads it, not by the URL's code 「figures-long」.
    assert workbook.active.title == "每月一行"
    disposition = response["Content-Disposition"]
    assert "figures-long" not in disposition
    assert "%E6%AF%8F%E6%9C%88%E4%B8%80%E8%A1%8C.xlsx" in disposition  # 每月一行.xlsx
    assert [row[0] for row in rows[2:]] == ["上思县"]
