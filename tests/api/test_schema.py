"""The OpenAPI 3 document and the page that browses it: served by the portal itself (Swagger UI
from npm, our static files), under the strict Content-Security-Policy."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_the_schema_is_a_valid_openapi_3_document_of_every_endpoint(client, clerk, api_as):
    response = api_as(clerk).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for name in ("cities", "regions", "figures", "targets", "city-targets", "notices",
                 "interviews", "assessments", "plans", "projects"):  # fmt: skip
        assert f"/api/v1/{name}/" in paths
    assert "/api/v1/notices/{id}/" in paths
    assert "/api/v1/figures/{id}/" not in paths  # figures are listed only
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    figure_params = {p["name"]: p for p in schema["paths"]["/api/v1/figures/"]["get"]["parameters"]}
    assert figure_params["city"]["required"]
    assert figure_params["year"]["required"]
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))


def test_a_logged_in_user_reads_the_schema_without_a_token(client, clerk):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(clerk)
    assert client.get("/api/schema/").status_code == 200


def test_the_docs_page_loads_swagger_ui_from_our_own_static_files(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe" not in csp
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert all(source.startswith("/") for source in sources)
    assert "<script>" not in html  # no inline script
    for path in ("vendor/swagger-ui/swagger-ui-bundle.js", "vendor/swagger-ui/swagger-ui.css",
                 "api/docs.js"):  # fmt: skip
        assert finders.find(path), path
        assert f"/static/{path}" in html
