"""/api/v1/ (the read API), /api/schema/ (its OpenAPI 3 document) and /api/docs/ (Swagger UI,
served from our own static files)."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api import views
from api.docs import api_docs, schema

# No root view and no .json suffixes: ?format=json is the one way to name the format.
router = SimpleRouter()
router.register("cities", views.CityViewSet, basename="city")
router.register("regions", views.RegionViewSet, basename="region")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("targets", views.RegionTargetViewSet, basename="target")
router.register("city-targets", views.CityTargetViewSet, basename="city_target")
router.register("notices", views.NoticeViewSet, basename="notice")
router.register("interviews", views.InterviewViewSet, basename="interview")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("projects", views.ProjectViewSet, basename="project")

app_name = "api"

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", schema, name="schema"),
    path("docs/", api_docs, name="docs"),
]
