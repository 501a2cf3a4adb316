from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("import/", views.plan_import, name="plan_import"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/carry-forward/", views.plan_carry_forward, name="plan_carry_forward"),
    path("<int:pk>/table/", views.plan_table, name="plan_table"),
    path("<int:pk>/table.xlsx", views.plan_export, name="plan_export"),
    path("<int:pk>/progress/", views.plan_progress, name="plan_progress"),
    path(
        "<int:pk>/progress/<int:task_pk>/<int:year>/Q<int:quarter>/",
        views.progress_cell,
        name="progress_cell",
    ),
    path("<int:pk>/units/<int:department_pk>/", views.unit_detail, name="unit_detail"),
    path("tasks/<int:task_pk>/report/", views.report_create, name="report_create"),
]
