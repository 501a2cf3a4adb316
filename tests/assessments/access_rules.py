"""Access rules of the targets-and-figures URLs (see tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.access import Rule


def _fcg_region(request) -> dict:
    from fdi_portal.models import Region

    return {"region_id": Region.objects.get(name="上思县").pk}


def _cell(request) -> dict:
    return {"city_code": "450600", "year": 2021, "month": 3, **_fcg_region(request)}


def _target(request) -> dict:
    return {"city_code": "450600", "year": 2021, **_fcg_region(request)}


FCG_2021 = {"city_code": "450600", "year": 2021}
# Readers of the grid: staff, leader, officials (their own row), province viewers of Guangxi.
READ = {"investment_officer": 403, "wuwei_clerk": 404, "stranger": 403}
# Staff only: other roles are refused by role, another city's staff by scope.
STAFF_ONLY = {
    "shangsi_official": 403,
    "investment_officer": 403,
    "leader": 403,
    "province_viewer": 403,
    "wuwei_clerk": 404,
    "stranger": 403,
}

RULES = {
    "figures_home": Rule(302, {"investment_officer": 403, "stranger": 403, "superuser": 200}),
    "figure_grid": Rule(200, READ, kwargs=FCG_2021),
    "export_grid": Rule(200, READ, kwargs=FCG_2021),
    "figure_cell": Rule(200, STAFF_ONLY, kwargs=_cell),
    "target_cell": Rule(200, STAFF_ONLY, kwargs=_target),
    # POST-only: an empty form is refused with a message and a redirect to the grid.
    "city_target": Rule(302, STAFF_ONLY, kwargs=FCG_2021, method="post"),
    "figure_history": Rule(
        200,
        {**STAFF_ONLY, "leader": 200},
        kwargs=FCG_2021,
    ),
    "import_upload": Rule(200, STAFF_ONLY, kwargs={"city_code": "450600", "kind": "figures"}),
    # Without a valid upload token: "the upload has expired", back to the upload page.
    "import_confirm": Rule(
        302, STAFF_ONLY, kwargs={"city_code": "450600", "kind": "figures"}, method="post"
    ),
    "import_template": Rule(
        200, STAFF_ONLY, kwargs={"city_code": "450600", "kind": "figures-wide"}
    ),
}
