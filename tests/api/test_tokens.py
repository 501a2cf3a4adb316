"""Tokens: created by a command that prints the key once, stored hashed, expiring, revocable,
throttled one by one, and every read with one in the audit log under its name."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.throttling import TokenRateThrottle
from fdi_portal.models import AuditEvent
from tests.api.conftest import TokenClient

CITIES = "/api/v1/cities/"


def create(username: str, *args: str) -> str:
    out = StringIO()
    call_command("create_api_token", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_the_command_prints_the_key_on_its_last_line_and_stores_only_its_hash(clerk):
    key = create("clerk", "--name", "省商务厅平台")
    token = ApiToken.objects.get()
    assert token.name == "省商务厅平台"
    assert token.user == clerk
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert token.expires_at is None
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert len(key) >= 40


def test_a_token_acts_as_its_user_and_answers_json(clerk):
    key = create("clerk")
    response = TokenClient(key).get(CITIES, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert [city["code"] for city in response.json()["results"]] == ["450600"]
    # JSON without asking, too; no other format.
    assert TokenClient(key).get(CITIES)["Content-Type"] == "application/json"
    assert TokenClient(key).get(CITIES, {"format": "api"}).status_code == 404


def test_no_token_an_unknown_one_or_a_malformed_header_is_a_401(client, clerk):
    create("clerk")
    assert client.get(CITIES).status_code == 401
    assert client.get(CITIES)["WWW-Authenticate"] == "Token"
    assert TokenClient("not-a-key").get(CITIES).status_code == 401
    response = client.get(CITIES, HTTP_AUTHORIZATION="Token two words")
    assert response.status_code == 401


def test_a_logged_in_session_does_not_open_the_data(client, clerk):
    client.force_login(clerk)
    assert client.get(CITIES).status_code == 401


def test_a_token_expires_after_its_days(clerk):
    key = create("clerk", "--expires", "30")
    token = ApiToken.objects.get()
    assert (
        dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    )
    assert TokenClient(key).get(CITIES).status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert TokenClient(key).get(CITIES).status_code == 401


def test_a_revoked_token_is_refused(clerk):
    key = create("clerk", "--name", "数据中台")
    assert TokenClient(key).get(CITIES).status_code == 200
    call_command("revoke_api_token", "--name", "数据中台", stdout=StringIO())
    assert TokenClient(key).get(CITIES).status_code == 401


def test_the_admin_revokes_selected_tokens(admin_client, clerk):
    key = create("clerk")
    token = ApiToken.objects.get()
    url = reverse("admin:api_apitoken_changelist")
    response = admin_client.post(url, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert TokenClient(key).get(CITIES).status_code == 401


def test_a_deactivated_user_s_token_is_refused(clerk):
    key = create("clerk")
    clerk.is_active = False
    clerk.save()
    assert TokenClient(key).get(CITIES).status_code == 401


def test_no_token_for_a_user_without_a_role(stranger):
    with pytest.raises(CommandError, match="没有角色"):
        create("stranger")
    with pytest.raises(CommandError, match="没有有效用户"):
        create("nobody")


def test_every_read_is_audited_with_the_token_s_name(clerk):
    key = create("clerk", "--name", "省商务厅平台")
    TokenClient(key).get(CITIES, {"page": "1"})
    TokenClient(key).get("/api/v1/notices/999999/")
    events = list(AuditEvent.objects.order_by("pk").values_list("user__username", "action"))
    assert events == [
        ("clerk", "API «省商务厅平台» /api/v1/cities/?page=1"),
        ("clerk", "API «省商务厅平台» /api/v1/notices/999999/ → 404"),
    ]
    assert AuditEvent.objects.filter(city__admin_code="450600").count() == 2


def test_each_token_is_throttled_on_its_own(clerk, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    first, second = create("clerk", "--name", "a"), create("clerk", "--name", "b")
    answers = [TokenClient(first).get(CITIES).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert TokenClient(second).get(CITIES).status_code == 200
