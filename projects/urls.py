from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("export/", views.project_export, name="project_export"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("difficulties/", views.difficulty_list, name="difficulty_list"),
]
