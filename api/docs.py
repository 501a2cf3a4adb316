"""The OpenAPI document and the page that browses it. Both are for people and systems that
may use the API: a logged-in user (session) or a token; neither shows any data."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from api.authentication import TokenAuthentication

schema = SpectacularAPIView.as_view(
    authentication_classes=[TokenAuthentication, SessionAuthentication],
    permission_classes=[IsAuthenticated],
    throttle_classes=[],
)


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """Swagger UI (npm's swagger-ui-dist, our static files: no CDN, no inline script)."""
    return render(request, "api/docs.html")
