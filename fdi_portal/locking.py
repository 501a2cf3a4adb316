"""No lost updates (optimistic locking): an edit form carries, in a signed hidden field, the
values of the row's fields as they were when the form was shown. Saving re-reads the row under
a lock; if any of those fields has changed since, the save is refused with the other person's
current values and nothing is written (the re-shown form carries the new state, so a second
save, made knowingly, goes through).

Values rather than a version column: a change made by any path (the admin, an import, the
stage service) is noticed, without every writer having to bump a counter, and the refusal can
name exactly the fields the other person changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from fdi_portal.lib.money import format_wan

#: The hidden field of every locked form.
LOCK_FIELD = "row_state"
_SALT = "fdi_portal.locking"


def row_state(instance: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The stored values of ``fields`` as strings (JSON-able, comparable)."""
    state = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.JSONField):
            state[name] = signing.JSONSerializer().dumps(getattr(instance, name)).decode()
        else:
            state[name] = field.value_to_string(instance)
    return state


def sign_state(state: dict[str, str]) -> str:
    return signing.dumps(state, salt=_SALT, compress=True)


def read_state(token: str) -> dict[str, str] | None:
    """The state a form was shown with; None for a missing or tampered token."""
    try:
        return signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None


def display_value(instance: models.Model, name: str) -> str:
    """A field's current value as the pages show it (money in 万, choices by label)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal) and name.endswith("_usd"):
        return f"{format_wan(value)} {_('10k USD')}"
    if isinstance(value, Decimal) and name.endswith("_cny"):
        return f"{format_wan(value)} {_('10k CNY')}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if name == "indicators":
        return "、".join(f"{item.get('name', '')}（{item.get('weight', '')}）" for item in value)
    if name == "vetoes":
        return "、".join(f"{item.get('input', '')} < {item.get('below', '')}" for item in value)
    if isinstance(value, models.Model):
        return str(value)
    text = str(value)
    return text if len(text) <= 80 else text[:80] + "…"


class StaleEdit(ValidationError):
    """Someone saved the row after the form was shown. ``changes`` lists (label, current
    value) of each field they changed; ``token`` is the row's state now."""

    def __init__(self, changes: list[tuple[str, str]], token: str) -> None:
        self.changes = changes
        self.token = token
        lines = "；".join(f"{label}：{value}" for label, value in changes)
        super().__init__(
            _(
                "Someone else saved this record after you opened it; nothing you entered was "
                "saved. Their values now: %(changes)s. Check them, then save again if yours "
                "should replace them."
            )
            % {"changes": lines}
        )


def check_unchanged(*, instance: models.Model, fields: list[str], seen_token: str) -> None:
    """Lock the stored row of ``instance`` (until the transaction ends) and raise
    :class:`StaleEdit` if its ``fields`` differ from the state ``seen_token`` holds. A missing
    or forged token counts as stale. Call inside ``transaction.atomic``."""
    model = type(instance)
    current = model._default_manager.select_for_update().get(pk=instance.pk)
    now = row_state(current, fields)
    seen = read_state(seen_token) or {}
    changed = [name for name in fields if seen.get(name) != now[name]]
    if changed:
        raise StaleEdit(
            [
                (str(model._meta.get_field(name).verbose_name), display_value(current, name))
                for name in changed
            ],
            sign_state(now),
        )


@transaction.atomic
def save_unless_changed(
    *,
    instance: models.Model,
    fields: list[str],
    seen_token: str,
    also_save: Iterable[str] = (),
) -> models.Model:
    """Save ``fields`` (and ``also_save``) of ``instance`` unless the stored row changed since
    the form was shown (:func:`check_unchanged`; nothing written then). The row stays locked
    from the check to the write, so two saves cannot both pass."""
    check_unchanged(instance=instance, fields=fields, seen_token=seen_token)
    instance.save(update_fields=[*fields, *also_save])
    return instance


class LockedFormMixin:
    """Adds the hidden ``row_state`` field to a form editing ``lock_instance`` over
    ``lock_fields``; after a :class:`StaleEdit` call :meth:`refused` to show the message and
    carry the new state."""

    lock_fields: list[str]

    def add_lock(self, instance: models.Model | None, fields: list[str]) -> None:
        """Carry ``instance``'s state of ``fields`` (an empty state for a row not yet
        created: whoever creates it first makes the other's save stale)."""
        self.lock_fields = fields
        self.fields[LOCK_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if instance is not None:
            self.initial[LOCK_FIELD] = sign_state(row_state(instance, fields))

    @property
    def seen_token(self) -> str:
        return self.cleaned_data.get(LOCK_FIELD) or ""

    def refused(self, error: StaleEdit) -> None:
        self.add_error(None, error)
        self.data = self.data.copy()
        self.data[self.add_prefix(LOCK_FIELD)] = error.token
