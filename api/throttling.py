from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """A rate per token (``API_TOKEN_RATE``): two systems with one user's tokens are limited
    apart. Counted in the default cache (per process with the local-memory cache)."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None  # the schema and docs pages read with a session: not throttled here
        # The key's hash, not the row's id: a deleted token's id may be given again.
        return self.cache_format % {"scope": self.scope, "ident": request.auth.key_hash}
