"""API tokens: what another system sends (``Authorization: Token KEY``) to read the portal as
one user, with that user's role and scope. Only the key's SHA-256 is stored: the key itself is
printed once, by ``manage.py create_api_token``, and cannot be read back."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: Characters of a key kept in clear to tell tokens apart in the admin and the audit log.
PREFIX_LENGTH = 8


def hash_key(key: str) -> str:
    """The stored form of a key: its hex SHA-256. (A key is 256 random bits, so a plain hash
    resists guessing as well as a slow one, and a lookup stays one indexed query.)"""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        """Tokens not revoked and not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(
        _("name"), max_length=80, help_text=_("Which system uses the token, e.g. 省商务厅平台.")
    )
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(_("key hash (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        """A fresh random key (43 URL-safe characters)."""
        return secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )
