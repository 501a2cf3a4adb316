"""Access rules of the API's URLs (see tests/test_access_matrix.py). The matrix logs in with a
session: the data endpoints answer a token only, so every session — and no login — gets 401
(tests/api/test_scope.py reads them with tokens, role by role). The schema and its page are
for logged-in users."""

from __future__ import annotations

from tests.access import Rule

TOKEN_ONLY = Rule(401, {"anonymous": 401})

RULES = {
    **{
        f"{name}-list": TOKEN_ONLY
        for name in (
            "city",
            "region",
            "figure",
            "target",
            "city_target",
            "notice",
            "interview",
            "assessment",
            "plan",
            "project",
        )
    },
    "city-detail": Rule(401, {"anonymous": 401}, kwargs={"code": "450600"}),
    **{
        f"{name}-detail": Rule(401, {"anonymous": 401}, kwargs={"pk": 1})
        for name in (
            "region",
            "target",
            "city_target",
            "notice",
            "interview",
            "assessment",
            "plan",
            "project",
        )
    },
    "schema": Rule(200, {"anonymous": 401}),
    "docs": Rule(200),
}
