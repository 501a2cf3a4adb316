"""Creating and revoking API tokens (the commands and the admin call these)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import PREFIX_LENGTH, ApiToken, hash_key
from fdi_portal.models import membership_of


@transaction.atomic
def create_api_token(
    *, username: str, name: str = "", expires_days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token of the user ``username`` and its key (returned once, never stored).
    ``expires_days``: the token stops working that many days from now; None: never."""
    user: Any = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise ValidationError(_("No active user %(username)s.") % {"username": username})
    if not user.is_superuser and membership_of(user) is None:
        raise ValidationError(
            _("%(username)s has no role in the portal: the token could read nothing.")
            % {"username": username}
        )
    if expires_days is not None and expires_days < 1:
        raise ValidationError(_("A token lasts at least one day."))
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name or username,
        prefix=key[:PREFIX_LENGTH],
        key_hash=hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=expires_days) if expires_days else None,
    )
    return token, key


def revoke_api_tokens(tokens: Any) -> int:
    """Revoke the active tokens among ``tokens`` (a queryset); how many were revoked."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
