from django.urls import path

from fdi_portal.import_views import import_urls
from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("export/", views.project_export, name="project_export"),
    # A large export's background job (projects.jobs): its progress page, status and file.
    path("export/<slug:job_id>/", views.export_job, name="export_job"),
    path("export/<slug:job_id>/status/", views.export_job_status, name="export_job_status"),
    path("export/<slug:job_id>/file/", views.export_job_file, name="export_job_file"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("<int:pk>/arrivals/", views.arrival_set, name="arrival_set"),
    path("<int:pk>/progress/new/", views.progress_create, name="progress_create"),
    path("<int:pk>/difficulties/new/", views.difficulty_create, name="difficulty_create"),
    path("<int:pk>/complaints/new/", views.complaint_create, name="complaint_create"),
    path("difficulties/", views.difficulty_list, name="difficulty_list"),
    path("difficulties/<int:pk>/edit/", views.difficulty_edit, name="difficulty_edit"),
    path("complaints/<int:pk>/edit/", views.complaint_edit, name="complaint_edit"),
    # Arrivals and project lists: the upload → preview → confirm pages every import shares.
    *import_urls(
        views.IMPORTS,
        upload="import/<slug:kind>/",
        confirm="import/<slug:kind>/confirm/",
        template="import/<slug:kind>/template/",
    ),
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
]
