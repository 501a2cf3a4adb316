"""Access rules of the reminder URLs (see tests/test_access_matrix.py): every logged-in user
has a notification centre of their own; anonymous visitors are sent to log in."""

from __future__ import annotations

from tests.access import Rule

RULES = {
    "list": Rule(200),
    # Someone else's (or no such) notification: nothing is marked, back to one's own list.
    "open": Rule(302, kwargs={"pk": 999999}, method="post"),
    "read_all": Rule(302, method="post"),
    "unread_count": Rule(200),
    # A city's commerce staff name its group robots; an administrator uses the admin.
    "robots": Rule(403, {"clerk": 200, "wuwei_clerk": 200, "superuser": 404}),
}
