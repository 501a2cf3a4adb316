"""Django's {# … #} comment ends on its own line; one left open is printed on the page."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def test_no_template_opens_a_one_line_comment_it_does_not_close():
    open_comments = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert open_comments == []
