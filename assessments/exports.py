"""The notice as a table (header first), for xlsx: amounts in 万美元 to two places and ratios in
per cent at the notice's places (``NOTICE_PERCENT_PLACES``), rounded half-up as the printed
notice shows them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from assessments.snapshots import CampaignRow, NoticeReport
from fdi_portal.lib.money import notice_places, round_percent, round_wan


def notice_export_rows(report: NoticeReport) -> Iterator[list[object]]:
    places = notice_places()
    yield [
        "排名",
        "地区",
        "年度目标（万美元）",
        f"{report.month}月（万美元）",
        f"1-{report.month}月累计（万美元）",
        "上年同期（万美元）",
        "完成年度目标（%）",
        "序时进度（%）",
        "是否达到序时进度",
        "差额（万美元）",
        "同比增长（%）",
        "剩余每月需完成（万美元）",
    ]
    for row in report.rows:
        yield [
            row.rank,
            row.name,
            round_wan(row.target_usd),
            round_wan(row.month_usd),
            round_wan(row.ytd_usd),
            round_wan(row.ytd_last_year_usd),
            round_percent(row.completion, places),
            round_percent(report.required_share, places),
            row.on_track,
            round_wan(row.shortfall_usd),
            round_percent(row.yoy_growth, places),
            round_wan(row.catch_up_monthly_usd),
        ]
    yield [
        None,
        "全市",
        round_wan(report.city_target_usd),
        round_wan(report.city_month_usd),
        round_wan(report.city_ytd_usd),
        round_wan(report.city_ytd_last_year_usd),
        round_percent(report.city_completion, places),
        round_percent(report.required_share, places),
        report.city_on_track,
        round_wan(report.city_shortfall_usd),
        round_percent(report.city_yoy_growth, places),
        round_wan(report.city_catch_up_monthly_usd),
    ]


def campaign_export_rows(rows: Sequence[CampaignRow]) -> Iterator[list[object]]:
    """The quarterly campaign notice as a table: a total row per campaign (地区 合计), then its
    regions; amounts in 万美元, rates in per cent, rounded as printed."""
    places = notice_places()
    yield [
        "专项行动",
        "地区",
        "签约项目（个）",
        "落地项目（个）",
        "落地率（%）",
        "合同外资（万美元）",
        "到位外资（万美元）",
        "到位率（%）",
    ]
    for row in rows:
        yield [
            row.campaign,
            row.region or "合计",
            row.signed,
            row.landed,
            round_percent(row.landing_rate, places),
            round_wan(row.contracted_fdi_usd),
            round_wan(row.arrived_fdi_usd),
            round_percent(row.arrival_rate, places),
        ]
