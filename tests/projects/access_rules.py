"""Access rules of the projects URLs (read by tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.access import Rule


def shangsi_project(request) -> dict:
    """A project of 上思县 (防城港市)."""
    from tests.projects.conftest import make_project

    project = make_project(request.getfixturevalue("fangchenggang"), "上思县", name="上思县项目")
    return {"pk": project.pk}


#: Reading: every role with a city; a member of another city gets 404 for a project.
READ = {"stranger": 403}
#: Writing: commerce staff and region officials (of the project's region).
WRITE = {
    "investment_officer": 403,
    "leader": 403,
    "province_viewer": 403,
    "stranger": 403,
    "wuwei_clerk": 404,
}

RULES: dict[str, Rule] = {
    "project_list": Rule(200, READ),
    "project_export": Rule(200, READ),
    "project_detail": Rule(200, {**READ, "wuwei_clerk": 404}, kwargs=shangsi_project),
    "project_create": Rule(
        200, {"investment_officer": 403, "leader": 403, "province_viewer": 403, "stranger": 403}
    ),
    "project_edit": Rule(200, WRITE, kwargs=shangsi_project),
    # An empty POST is refused with a message and a redirect back to the project.
    "project_stage": Rule(302, WRITE, kwargs=shangsi_project, method="post"),
    "difficulty_list": Rule(200, READ),
}
