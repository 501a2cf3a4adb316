"""Access rules of the projects URLs (read by tests/test_access_matrix.py)."""

from __future__ import annotations

from tests.access import Rule


def shangsi_project(request) -> dict:
    """A project of 上思县 (防城港市)."""
    from tests.projects.conftest import make_project

    project = make_project(request.getfixturevalue("fangchenggang"), "上思县", name="上思县项目")
    return {"pk": project.pk}


def shangsi_difficulty(request) -> dict:
    """A difficulty of a project of 上思县."""
    import datetime as dt

    from projects.models import Difficulty

    project_pk = shangsi_project(request)["pk"]
    difficulty = Difficulty.objects.create(
        project_id=project_pk, raised_on=dt.date(2021, 3, 1), category="land", text="用地"
    )
    return {"pk": difficulty.pk}


def shangsi_complaint(request) -> dict:
    """A complaint about a project of 上思县."""
    import datetime as dt

    from projects.models import Complaint

    project_pk = shangsi_project(request)["pk"]
    complaint = Complaint.objects.create(
        project_id=project_pk,
        received_on=dt.date(2021, 3, 1),
        deadline=dt.date(2021, 3, 15),
        text="审批慢",
    )
    return {"pk": complaint.pk}


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

IMPORT = {"investment_officer": 403, "leader": 403, "province_viewer": 403, "stranger": 403}

RULES: dict[str, Rule] = {
    "project_list": Rule(200, READ),
    "project_export": Rule(200, READ),
    # An export job that does not exist (or is another user's) is not found.
    "export_job": Rule(404, READ, kwargs={"job_id": "0" * 32}),
    "export_job_status": Rule(404, READ, kwargs={"job_id": "0" * 32}),
    "export_job_file": Rule(404, READ, kwargs={"job_id": "0" * 32}),
    "project_detail": Rule(200, {**READ, "wuwei_clerk": 404}, kwargs=shangsi_project),
    "project_create": Rule(
        200, {"investment_officer": 403, "leader": 403, "province_viewer": 403, "stranger": 403}
    ),
    "project_edit": Rule(200, WRITE, kwargs=shangsi_project),
    # An empty POST is refused with a message and a redirect back to the project.
    "project_stage": Rule(302, WRITE, kwargs=shangsi_project, method="post"),
    "difficulty_list": Rule(200, READ),
    # An empty POST is refused with a message and a redirect back to the project.
    "arrival_set": Rule(302, WRITE, kwargs=shangsi_project, method="post"),
    "progress_create": Rule(200, WRITE, kwargs=shangsi_project),
    "difficulty_create": Rule(200, WRITE, kwargs=shangsi_project),
    "difficulty_edit": Rule(200, WRITE, kwargs=shangsi_difficulty),
    "complaint_create": Rule(200, WRITE, kwargs=shangsi_project),
    "complaint_edit": Rule(200, WRITE, kwargs=shangsi_complaint),
    # Imports: staff and region officials, each within what they may write.
    "project_import": Rule(200, IMPORT, kwargs={"kind": "arrivals"}),
    # Without a stored upload the confirmation sends the user back to the upload form.
    "project_import_confirm": Rule(302, IMPORT, kwargs={"kind": "projects"}, method="post"),
    "project_import_template": Rule(200, IMPORT, kwargs={"kind": "projects"}),
    "event_list": Rule(200, READ),
    # Events: staff, region officials and department officers record them.
    "event_create": Rule(200, {"leader": 403, "province_viewer": 403, "stranger": 403}),
}
