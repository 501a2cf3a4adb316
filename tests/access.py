"""The vocabulary of the access matrix (tests/test_access_matrix.py), shared with the rule tables
each app keeps in tests/<app>/access_rules.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LOGIN = "login"  # a redirect to the login page
CAST = (
    "anonymous",
    "clerk",
    "shangsi_official",
    "investment_officer",
    "leader",
    "province_viewer",
    "wuwei_clerk",
    "stranger",
    "superuser",
)


@dataclass(frozen=True)
class Rule:
    """What each cast member gets from ``method`` on the URL built from ``kwargs``.

    ``kwargs`` is either a dict or a function of pytest's ``request`` that builds the objects
    the URL names (for example a project of 上思县) and returns the URL's kwargs. ``data`` is
    posted with a POST rule.
    """

    default: int | str
    expect: dict[str, int | str] = field(default_factory=dict)
    kwargs: dict[str, Any] | Callable[[Any], dict[str, Any]] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)

    def url_kwargs(self, request: Any) -> dict[str, Any]:
        return self.kwargs(request) if callable(self.kwargs) else self.kwargs

    def expected_for(self, who: str) -> int | str:
        if who == "anonymous":
            return self.expect.get("anonymous", LOGIN)
        return self.expect.get(who, self.default)
