"""Login protection: lockout after repeated wrong passwords, password change, session lifetime."""

from __future__ import annotations

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from fdi_portal.login_protection import client_ip
from fdi_portal.middleware import LOGIN_AT_KEY, SEEN_AT_KEY
from tests.conftest import TEST_PASSWORD

OFFICE = "192.0.2.10"
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def lockout_on(settings) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def attempt(client, username: str, password: str, address: str = OFFICE):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return SESSION_KEY in client.session


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    client, clerk, lockout_on
):
    for _ in range(4):
        assert attempt(client, "clerk", "wrong").status_code == 200  # the form again
    fifth = attempt(client, "clerk", "wrong")
    assert fifth.status_code == 429
    assert b'data-testid="locked-out"' in fifth.content
    response = attempt(client, "clerk", TEST_PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)


def test_the_lockout_page_is_in_the_portals_layout_and_names_the_wait(client, clerk, lockout_on):
    for _ in range(5):
        response = attempt(client, "clerk", "wrong")
    text = response.content.decode()
    assert '<nav class="navbar' in text
    assert "30" in text  # minutes of the default cool-off


def test_a_lockout_holds_for_one_address_only(client, clerk, lockout_on):
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    attempt(client, "clerk", TEST_PASSWORD, address=ELSEWHERE)
    assert logged_in(client)


def test_colleagues_behind_the_same_address_can_still_log_in(client, clerk, leader, lockout_on):
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    attempt(client, "leader", TEST_PASSWORD)
    assert logged_in(client)


def test_a_successful_login_forgets_earlier_failures(client, clerk, lockout_on):
    for _ in range(4):
        attempt(client, "clerk", "wrong")
    attempt(client, "clerk", TEST_PASSWORD)
    assert logged_in(client)
    client.logout()
    for _ in range(4):
        attempt(client, "clerk", "wrong")
    attempt(client, "clerk", TEST_PASSWORD)
    assert logged_in(client)


def test_a_locked_out_attacker_who_keeps_trying_stays_locked_out(
    client, clerk, lockout_on, settings
):
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    # Almost the whole cool-off later, one more guess starts the wait again from now.
    almost = timezone.now() - settings.AXES_COOLOFF_TIME + timezone.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=almost)
    guessed_at = timezone.now()
    assert attempt(client, "clerk", "wrong").status_code == 429
    assert AccessAttempt.objects.get(username="clerk").attempt_time >= guessed_at
    assert attempt(client, "clerk", TEST_PASSWORD).status_code == 429
    assert not logged_in(client)


def test_after_the_cool_off_the_right_password_logs_in_again(client, clerk, lockout_on, settings):
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=past)
    attempt(client, "clerk", TEST_PASSWORD)
    assert logged_in(client)


def test_an_administrator_sees_the_lock_in_the_admin_and_lifts_it(
    client, admin_client, clerk, lockout_on
):
    for _ in range(5):
        attempt(client, "clerk", "wrong")
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    assert "clerk" in changelist.content.decode()
    lock = AccessAttempt.objects.get(username="clerk")
    delete = reverse("admin:axes_accessattempt_delete", args=[lock.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    attempt(client, "clerk", TEST_PASSWORD)
    assert logged_in(client)


def test_the_admin_login_is_protected_too(client, superuser, lockout_on):
    for _ in range(5):
        response = client.post(
            reverse("admin:login"),
            {"username": "root", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR=OFFICE,
        )
    assert response.status_code == 429


def test_behind_a_proxy_the_address_the_proxy_saw_counts_not_what_the_client_claims(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.99, {OFFICE}"
    )
    settings.PROXY_COUNT = 0
    assert client_ip(request) == "127.0.0.1"
    settings.PROXY_COUNT = 1
    assert client_ip(request) == OFFICE


# --------------------------------------------------------------------------- password change


def test_every_user_can_change_their_password_and_stays_logged_in(client, shangsi_official):
    client.force_login(shangsi_official)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Yi-ge-xin-mima-2026",
            "new_password2": "Yi-ge-xin-mima-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("home")).status_code == 200  # still logged in
    shangsi_official.refresh_from_db()
    assert shangsi_official.check_password("Yi-ge-xin-mima-2026")


def test_a_wrong_old_password_changes_nothing(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Xin-mima-2026",
            "new_password2": "Xin-mima-2026",
        },
    )
    assert response.status_code == 200
    assert b"is-invalid" in response.content
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)


def test_the_navigation_bar_links_to_the_password_change(client, leader):
    client.force_login(leader)
    assert reverse("password_change").encode() in client.get(reverse("home")).content


def test_an_administrator_can_set_a_users_password_in_the_admin(admin_client, clerk):
    url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    response = admin_client.post(
        url,
        {
            "password1": "Chong-zhi-2026-mima",
            "password2": "Chong-zhi-2026-mima",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Chong-zhi-2026-mima")


# --------------------------------------------------------------------------- session lifetime


def age_session(client, key: str, seconds: int) -> None:
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_for_longer_than_the_timeout_is_logged_out(client, clerk, settings):
    client.force_login(clerk)
    age_session(client, SEEN_AT_KEY, settings.SESSION_IDLE_MINUTES * 60 + 5)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not logged_in(client)


def test_each_request_keeps_a_session_from_going_idle(client, clerk, settings):
    client.force_login(clerk)
    age_session(client, SEEN_AT_KEY, settings.SESSION_IDLE_MINUTES * 60 - 5)
    assert client.get(reverse("home")).status_code == 200
    # The request counted as activity: the same wait again is still within the timeout.
    seen_at = client.session[SEEN_AT_KEY]
    assert seen_at >= int(time.time()) - 5


def test_the_session_cookie_lasts_no_longer_than_the_absolute_lifetime(client, clerk, settings):
    client.force_login(clerk)
    assert client.session.get_expiry_age() <= settings.SESSION_MAX_HOURS * 3600


def test_a_session_older_than_its_lifetime_is_logged_out_with_a_message(client, clerk, settings):
    client.force_login(clerk)
    age_session(client, LOGIN_AT_KEY, settings.SESSION_MAX_HOURS * 3600 + 60)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert not logged_in(client)
    with translation.override("zh-hans"):
        expected = translation.gettext("Your session has expired. Please log in again.")
    assert [str(message) for message in response.context["messages"]] == [expected]


def test_a_busy_session_within_its_lifetime_stays_logged_in(client, clerk, settings):
    client.force_login(clerk)
    age_session(client, LOGIN_AT_KEY, settings.SESSION_MAX_HOURS * 3600 - 60)
    assert client.get(reverse("home")).status_code == 200
