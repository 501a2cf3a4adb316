"""What a county official may see of the other regions before the month's notice is issued.

The plans circulate the monthly notice (月通报) to every county: once issued, every county sees
every county's figures, rank and completion. Before that the figures are unpublished and may
still be corrected. ``settings.UNPUBLISHED_FIGURES_VISIBLE_TO_REGIONS`` decides:

- ``"own"`` (the default): a county official sees their own region's figures as they stand,
  and the other regions — the ranking, their rank, who is just above — only as the last
  issued notice published them;
- ``"all"``: the live ranking, as staff see it (for bureaus that share figures as they come).

A month already issued reads as issued. When one of its figures is corrected afterwards, a county
official (under ``own``) keeps reading the issued figures on every page, with a note that the
correction comes with the next notice (``correction_pending``); the notice page lists no other
region's change.

Staff, leaders, department officers and province viewers always see the live figures. The
rankings of the notice pages are chosen here (``ranking_for``); the region page applies the same
rule to itself in ``dashboards.pages.region_page_for``.
"""

from __future__ import annotations

from typing import Any

from assessments import snapshots
from assessments.models import Notice
from assessments.snapshots import NoticeReport
from fdi_portal.access import sees_unpublished_figures
from fdi_portal.models import City


def last_issued_notice(city: City, year: int) -> Notice | None:
    """The latest issued monthly notice of ``city`` in ``year``. One query."""
    return (
        Notice.objects.issued()
        .filter(city=city, kind=Notice.Kind.MONTHLY, year=year)
        .order_by("-month")
        .first()
    )


def published_ranking(city: City, year: int) -> tuple[NoticeReport | None, Notice | None]:
    """The ranking as the last issued notice of ``year`` published it, and that notice."""
    notice = last_issued_notice(city, year)
    if notice is None:
        return None, None
    return snapshots.report_from_snapshot(notice.snapshot), notice


def issued_notice(city: City, year: int, month: int) -> Notice | None:
    """The issued monthly notice of ``month``, if there is one. One query."""
    return (
        Notice.objects.issued()
        .filter(city=city, kind=Notice.Kind.MONTHLY, year=year, month=month)
        .first()
    )


def correction_pending(notice: Notice | None, live: NoticeReport | None) -> bool:
    """Whether a figure of ``notice``'s month was corrected after it was issued: the notice of
    the same month computed now (``live``) differs from it. Under ``own`` a county official
    keeps reading the issued figures, told that the correction comes with the next notice."""
    if notice is None or live is None or live.month != notice.month:
        return False
    return bool(snapshots.notice_revisions(notice.snapshot, snapshots.notice_snapshot(live)))


def ranking_for(
    user: Any, city: City, year: int, live: NoticeReport | None
) -> tuple[NoticeReport | None, Notice | None]:
    """The ranking ``user`` may see beside the live one: ``(live, None)`` when they see
    unpublished figures, else the last issued notice's ranking and that notice."""
    if sees_unpublished_figures(user) or live is None:
        return live, None
    return published_ranking(city, year)
