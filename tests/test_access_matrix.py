"""Every URL of the portal, requested by an anonymous visitor and by every member of the cast.

The table RULES is the access policy written out. The first test walks the whole URLconf and
fails for a pattern that has no rule here, so a new URL cannot ship without one.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import CAST, LOGIN, Rule

pytestmark = pytest.mark.django_db

CORE_RULES: dict[str, Rule] = {
    "home": Rule(200),
    "login": Rule(302, {"anonymous": 200}),
    # Logging out is a POST; a GET is refused.
    "logout": Rule(405),
    "password_change": Rule(200),
    "password_change_done": Rule(200),
    # Switching language works before logging in; it redirects back.
    "set_language": Rule(302, {"anonymous": 302}, method="post"),
    "organisation": Rule(
        302,
        # A province viewer reads several cities and chooses one; a superuser reads all of them.
        {"province_viewer": 302, "stranger": 200, "superuser": 200},
    ),
    # Commerce staff read their city's audit log, administrators every city's.
    "audit_log": Rule(403, {"clerk": 200, "wuwei_clerk": 200, "superuser": 200}),
    "city_organisation": Rule(
        200,
        {"wuwei_clerk": 404, "stranger": 404},
        kwargs={"city_code": "450600"},
    ),
}


def app_rules() -> dict[str, Rule]:
    """Each app keeps the rules of its own URLs in tests/<app>/access_rules.py."""
    import importlib

    rules: dict[str, Rule] = {}
    for app in ("tasks", "projects", "assessments", "notifications", "dashboards", "api"):
        try:
            module = importlib.import_module(f"tests.{app}.access_rules")
        except ModuleNotFoundError:
            continue
        rules.update({f"{app}:{name}": rule for name, rule in module.RULES.items()})
    return rules


RULES = {**CORE_RULES, **app_rules()}


def named_patterns(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern's name, namespaced; the admin's own patterns are tested separately."""
    names = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += named_patterns(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern):
            assert pattern.name, f"URL pattern {pattern.pattern} has no name"
            names.append(prefix + pattern.name)
    return names


def test_every_url_pattern_has_an_access_rule():
    assert sorted(named_patterns()) == sorted(RULES)


@pytest.fixture
def cast(request):
    def member(who: str):
        return None if who == "anonymous" else request.getfixturevalue(who)

    return member


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize("name", sorted(RULES))
def test_each_role_gets_the_expected_response(client, cast, request, name, who):
    rule = RULES[name]
    user = cast(who)
    if user is not None:
        client.force_login(user)
    else:
        cast("clerk")  # the seed cities exist for the anonymous visitor too
    url = reverse(name, kwargs=rule.url_kwargs(request))
    response = getattr(client, rule.method)(url, rule.data)
    expected = rule.expected_for(who)
    if expected == LOGIN:
        assert response.status_code == 302, (name, who)
        assert response["Location"].startswith(reverse("login") + "?next="), (name, who)
    else:
        assert response.status_code == expected, (name, who)


@pytest.mark.parametrize("who", ["clerk", "leader", "stranger"])
def test_admin_is_for_superusers_only(client, cast, who):
    client.force_login(cast(who))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_every_admin_list_and_add_page_opens_for_a_superuser(admin_client, admin_user, rf, seed):
    from django.contrib import admin

    request = rf.get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for action in ("changelist", "add"):
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}")
            # Logs the portal writes itself (django-axes' login attempts) cannot be added by hand.
            adds = action == "changelist" or model_admin.has_add_permission(request)
            assert admin_client.get(url).status_code == (200 if adds else 403), url
