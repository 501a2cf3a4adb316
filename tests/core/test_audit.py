"""Every write audited: the history of projects, arrivals, difficulties, complaints and the other
audited rows (who, when, old value); imports, exports and issuing logged with the file's name
and SHA-256; the audit page for a city's staff (their city) and administrators."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from assessments.issuing import issue_notice
from assessments.models import MonthlyFigure
from fdi_portal.audit import audit_entries, snapshot_sha256
from fdi_portal.models import AuditEvent, Membership, Region
from projects.models import Arrival, Difficulty, Project
from projects.services import set_arrival

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(fangchenggang) -> Project:
    return Project.objects.create(
        city=fangchenggang,
        region=Region.objects.get(city=fangchenggang, name="上思县"),
        name="上思县审计项目",
    )


def english(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_an_arrival_changed_from_55_to_66_wan_keeps_the_55_in_its_history(project):
    set_arrival(project=project, year=2021, month=3, amount_usd=Decimal("550000"))
    set_arrival(project=project, year=2021, month=3, amount_usd=Decimal("660000"))
    set_arrival(project=project, year=2021, month=3, amount_usd=None)

    amounts = [
        (h.history_type, h.amount_usd)
        for h in Arrival.history.filter(project_id=project.pk).order_by("history_id")
    ]
    assert amounts == [
        ("+", Decimal("550000.00")),
        ("~", Decimal("660000.00")),
        ("-", Decimal("660000.00")),
    ]


def test_an_edit_through_the_page_is_in_the_history_with_its_author(client, clerk, project):
    client.force_login(clerk)
    url = reverse("projects:project_edit", args=[project.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data |= {"name": "改过名的项目", "high_tech_manufacturing": ""}
    data.pop("high_tech_manufacturing")
    assert client.post(url, data).status_code == 302

    latest = Project.history.filter(id=project.pk).latest("history_id")
    assert (latest.history_type, latest.name, latest.history_user) == ("~", "改过名的项目", clerk)
    assert latest.prev_record.name == "上思县审计项目"


def test_a_difficulty_and_a_membership_change_are_audited(project, clerk):
    difficulty = Difficulty.objects.create(
        project=project, raised_on=dt.date(2021, 4, 1), category="land", text="用地"
    )
    difficulty.status = "in_progress"
    difficulty.save()
    membership = Membership.objects.get(user=clerk)
    membership.role = "leader"
    membership.save()

    assert Difficulty.history.filter(id=difficulty.pk).count() == 2
    assert [h.role for h in Membership.history.filter(id=membership.pk).order_by("history_id")] == [
        "commerce_staff",
        "leader",
    ]


def test_an_export_is_logged_with_its_file_name_and_the_sha256_of_the_bytes_sent(
    client, clerk, project
):
    client.force_login(clerk)
    response = client.get(reverse("projects:project_export"))
    sent = b"".join(response.streaming_content)

    event = AuditEvent.objects.get()
    assert (event.kind, event.user, event.city.name) == ("export", clerk, "防城港市")
    assert event.file_name == "projects.xlsx"
    assert event.sha256 == hashlib.sha256(sent).hexdigest()


def test_an_import_is_logged_with_the_uploaded_name_and_its_sha256(
    client, clerk, project, settings, tmp_path
):
    settings.IMPORT_DIR = tmp_path / "imports"
    book = Workbook()
    book.active.append(["项目名称", "年份", "月份", "到位外资（万美元）"])
    book.active.append(["上思县审计项目", 2021, 4, 66])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    upload = io.BytesIO(content)
    upload.name = "四月到位外资.xlsx"
    client.force_login(clerk)
    preview = client.post(reverse("projects:project_import", args=["arrivals"]), {"file": upload})
    done = client.post(
        reverse("projects:project_import_confirm", args=["arrivals"]),
        {"token": preview.context["token"], "fingerprint": preview.context["fingerprint"]},
    )

    assert done.status_code == 302
    event = AuditEvent.objects.get(kind="import")
    assert (event.user, event.file_name) == (clerk, "四月到位外资.xlsx")
    assert event.sha256 == hashlib.sha256(content).hexdigest()
    # The import's rows are in the history too, by the same user.
    assert Arrival.history.get().history_user == clerk


@pytest.fixture
def june(fangchenggang):
    region = Region.objects.get(city=fangchenggang, name="港口区")
    for month in range(1, 7):
        MonthlyFigure.objects.create(
            region=region, year=2021, month=month, amount_usd=Decimal("1000000")
        )
    return fangchenggang


def test_issuing_a_notice_is_logged_with_the_sha256_of_its_frozen_snapshot(june, clerk):
    notice = issue_notice(city=june, year=2021, month=6, issued_on=dt.date(2021, 7, 5), user=clerk)

    event = AuditEvent.objects.get()
    assert (event.kind, event.user, event.city) == ("issue", clerk, june)
    assert "〔2021〕第1期" in event.action
    assert event.sha256 == snapshot_sha256(notice.snapshot)


# --------------------------------------------------------------------------- the page


def test_staff_see_their_citys_writes_and_not_another_citys(
    client, clerk, wuwei_clerk, project, wuwei
):
    Project.objects.create(
        city=wuwei, region=Region.objects.filter(city=wuwei).first(), name="武威项目"
    )
    AuditEvent.objects.create(kind="export", user=wuwei_clerk, city=wuwei, action="/x")
    client.force_login(clerk)
    english(client)

    page = client.get(reverse("audit_log"))

    names = [entry["name"] for entry in page.context["entries"]]
    assert "上思县审计项目" in names
    assert "武威项目" not in names
    assert "/x" not in names


def test_an_administrator_sees_every_city(client, superuser, project, wuwei):
    Project.objects.create(
        city=wuwei, region=Region.objects.filter(city=wuwei).first(), name="武威项目"
    )
    client.force_login(superuser)
    names = [e["name"] for e in client.get(reverse("audit_log")).context["entries"]]
    assert {"上思县审计项目", "武威项目"} <= set(names)


def test_the_page_filters_by_kind_user_and_date(client, clerk, leader, project, fangchenggang):
    AuditEvent.objects.create(kind="export", user=clerk, city=fangchenggang, action="clerk")
    AuditEvent.objects.create(kind="export", user=leader, city=fangchenggang, action="leader")
    AuditEvent.objects.create(kind="import", user=clerk, city=fangchenggang, action="imp")
    client.force_login(clerk)
    url = reverse("audit_log")

    def names(**query):
        return [e["name"] for e in client.get(url, query).context["entries"]]

    assert names(kind="export") == ["leader", "clerk"]  # newest first
    assert names(kind="export", user=clerk.pk) == ["clerk"]
    assert names(kind="project") == ["上思县审计项目"]
    today = timezone.localdate()
    assert names(kind="import", since=today.isoformat(), until=today.isoformat()) == ["imp"]
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    assert names(kind="import", since=tomorrow) == []


def test_a_county_official_or_a_leader_cannot_open_the_audit_log(client, shangsi_official, leader):
    for user in (shangsi_official, leader):
        client.force_login(user)
        assert client.get(reverse("audit_log")).status_code == 403


def test_the_page_shows_fifty_entries_in_a_bounded_number_of_queries(
    client, clerk, fangchenggang, django_assert_max_num_queries
):
    AuditEvent.objects.bulk_create(
        AuditEvent(kind="export", user=clerk, city=fangchenggang, action=f"/export/{i}")
        for i in range(120)
    )
    client.force_login(clerk)
    # session, user, membership, the filter's users, count, page, the page's user names.
    with django_assert_max_num_queries(10):
        page = client.get(reverse("audit_log"), {"kind": "export", "page": 2})
    assert len(page.context["entries"]) == 50
    assert page.context["pagination"].total == 120


def test_the_xlsx_export_holds_every_filtered_entry(client, clerk, fangchenggang):
    AuditEvent.objects.bulk_create(
        AuditEvent(kind="issue", user=clerk, city=fangchenggang, action=f"通报{i}", sha256="ab")
        for i in range(3)
    )
    client.force_login(clerk)
    response = client.get(reverse("audit_log"), {"kind": "issue", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    # A title row, the header, three entries.
    assert len(rows) == 5
    assert sorted(r[4] for r in rows[2:]) == ["通报0", "通报1", "通报2"]
    # The export itself is logged.
    assert AuditEvent.objects.filter(kind="export", file_name="audit.xlsx").count() == 1


def test_the_union_of_every_source_runs_on_this_database(fangchenggang):
    assert list(audit_entries(city=fangchenggang)) == []


def test_a_scoring_scheme_change_is_in_its_history_and_on_the_audit_page(
    client, clerk, fangchenggang
):
    from assessments.models import ScoringScheme

    scheme = ScoringScheme.objects.filter(plan__city=fangchenggang).first()
    scheme.label = "调整后的方案"
    scheme._history_user = clerk
    scheme.save()
    client.force_login(clerk)

    entries = client.get(reverse("audit_log"), {"kind": "scheme"}).context["entries"]

    assert [(e["name"], e["user"]) for e in entries] == [("调整后的方案", "clerk")]
