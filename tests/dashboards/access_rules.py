"""Access rules of the dashboards' URLs (see tests/test_access_matrix.py). The home page is a
core rule there: every member of the cast gets a home."""

from __future__ import annotations

from tests.access import Rule

RULES = {
    # The whole city's dashboard: not for a county official (their projects are their own).
    "city_dashboard": Rule(
        200,
        {
            "shangsi_official": 403,
            "investment_officer": 403,
            "wuwei_clerk": 404,
            "stranger": 403,
        },
        kwargs={"city_code": "450600"},
    ),
    # The dashboard's lowest panels (difficulties, alerts), for the readers of the dashboard.
    "attention": Rule(
        200,
        {
            "shangsi_official": 403,
            "investment_officer": 403,
            "wuwei_clerk": 404,
            "stranger": 403,
        },
        kwargs={"city_code": "450600"},
    ),
    # Another county's page: not for 上思县's official (their own opens: test_views).
    "region_page": Rule(
        200,
        {
            "shangsi_official": 404,
            "investment_officer": 403,
            "wuwei_clerk": 404,
            "stranger": 403,
        },
        kwargs={"city_code": "450600", "region_code": "450681"},
    ),
}
