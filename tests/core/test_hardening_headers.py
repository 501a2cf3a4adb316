"""Security headers: what every page tells the browser about caching, framing and content."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tasks.models import Plan


def directives(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy") or response.headers.get(
        "Content-Security-Policy-Report-Only"
    )
    assert header, "no Content-Security-Policy header"
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.fixture
def fcg_plan(fangchenggang) -> Plan:
    return Plan.objects.filter(city=fangchenggang).first()


def test_a_logged_in_page_is_neither_stored_nor_shared_by_caches(client, clerk):
    client.force_login(clerk)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "public" not in cache_control


def test_an_export_is_neither_stored_nor_shared_by_caches(client, clerk, fcg_plan):
    client.force_login(clerk)
    response = client.get(reverse("tasks:plan_export", kwargs={"pk": fcg_plan.pk}))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


def test_static_files_keep_their_own_caching(client, clerk):
    client.force_login(clerk)
    response = client.get(settings.STATIC_URL + "css/portal.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_every_page_forbids_framing_sniffing_and_leaking_the_address(client):
    response = client.get(reverse("login"))
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_content_security_policy_allows_only_the_portals_own_scripts_and_styles(client):
    policy = directives(client.get(reverse("login")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in " ".join(policy.values())


def test_the_policy_is_enforced_unless_report_only_is_chosen(client):
    response = client.get(reverse("login"))
    if settings.CONTENT_SECURITY_POLICY_ENFORCED:
        assert "Content-Security-Policy" in response.headers
    else:
        assert "Content-Security-Policy-Report-Only" in response.headers


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)


def test_no_template_has_inline_script_handlers_or_styles_the_policy_would_block():
    found = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{template.relative_to(settings.BASE_DIR)}:{line}: {match.group()}")
    assert not found, "\n".join(found)
