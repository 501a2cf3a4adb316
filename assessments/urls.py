from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.figures_home, name="figures_home"),
    path("<str:city_code>/<int:year>/", views.figure_grid_page, name="figure_grid"),
    path(
        "<str:city_code>/<int:year>/cell/<int:region_id>/<int:month>/",
        views.figure_cell,
        name="figure_cell",
    ),
    path(
        "<str:city_code>/<int:year>/target/<int:region_id>/",
        views.target_cell,
        name="target_cell",
    ),
    path("<str:city_code>/<int:year>/city-target/", views.city_target, name="city_target"),
    path("<str:city_code>/<int:year>/history/", views.figure_history, name="figure_history"),
    path("<str:city_code>/<int:year>/export/", views.export_grid, name="export_grid"),
    path("<str:city_code>/import/<str:kind>/", views.import_upload, name="import_upload"),
    path("<str:city_code>/import/<str:kind>/confirm/", views.import_confirm, name="import_confirm"),
    path("<str:city_code>/template/<str:kind>/", views.import_template, name="import_template"),
]
