"""Every kind of write shows on the audit page: a plan import (who, when, the text's SHA-256),
the goals and units it created, a progress report, an interview record, a stage change, a
project progress entry, a figure submission and a month lock."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.conf import settings

from fdi_portal.audit import SOURCES, _history_model, audit_entries
from fdi_portal.models import AuditEvent
from tasks.services import import_plan

SEED = Path(settings.BASE_DIR) / "fixtures" / "plans" / "fangchenggang_2021.txt"


def test_every_source_of_the_audit_page_keeps_a_history():
    assert [s.code for s in SOURCES if _history_model(s) is None] == []
    codes = {s.code for s in SOURCES}
    for kind in ("goal", "report", "interview", "stage_change", "progress_entry", "submission"):
        assert kind in codes
    assert "lock" in codes


def test_a_plan_import_is_logged_with_its_sha256_and_its_goals_and_units_name_the_clerk(
    fangchenggang, clerk
):
    text = SEED.read_text(encoding="utf-8").replace("2021", "2022")
    plan = import_plan(city=fangchenggang, text=text, user=clerk).plan
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.user == clerk
    assert event.city == fangchenggang
    assert plan.title in event.action
    assert event.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    goals = list(audit_entries(city=fangchenggang, kind="goal"))
    assert len(goals) == plan.goals.count() > 0
    assert {row["a_user_id"] for row in goals} == {clerk.pk}
    units = list(audit_entries(city=fangchenggang, kind="assignment"))
    assert len(units) >= plan.tasks.count() > 0
