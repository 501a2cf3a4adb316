"""Tokens and a client that sends them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from api.services import create_api_token


class TokenClient:
    """GETs with ``Authorization: Token KEY``; ``json(url)`` asserts a 200 and decodes."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client = Client()

    def get(self, url: str, data: dict | None = None) -> Any:
        return self.client.get(url, data or {}, HTTP_AUTHORIZATION=f"Token {self.key}")

    def json(self, url: str, data: dict | None = None) -> Any:
        response = self.get(url, data)
        assert response.status_code == 200, (response.status_code, response.content[:500])
        return response.json()


@pytest.fixture(autouse=True)
def fresh_throttle_counts() -> None:
    """The throttle counts requests in the default cache: none left from another test."""
    cache.clear()


@pytest.fixture
def api_as() -> Callable[..., TokenClient]:
    """A client holding a new token of ``user``."""

    def make(user: Any, name: str = "") -> TokenClient:
        _token, key = create_api_token(username=user.username, name=name)
        return TokenClient(key)

    return make
