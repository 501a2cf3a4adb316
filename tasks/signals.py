"""What the tasks app tells the apps above it when a plan is stored.

The tasks app stores plans, their goals and their tasks. What a plan sets in motion belongs to
the apps above: the assessments app keeps the city target a plan's goals state and each plan's
progress schedule and scoring scheme; the projects app keeps each plan's project rules. Those
apps connect receivers here in their ``AppConfig.ready()``, so the tasks app imports none of
them (apps depend one way: ``fdi_portal`` < ``tasks`` < ``projects`` < ``assessments``).

Every signal is sent inside the transaction of the write that stores the plan: a receiver that
raises ``ValidationError`` refuses the whole write, and nothing of it is stored.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

#: A plan was created (imported, or carried forward from ``copied_from``). Keyword arguments:
#: ``plan``; ``copied_from`` (the plan carried forward, or None for an import); ``quotas``
#: (the import's quota drafts; empty for a copy). Receivers give the plan its settings.
plan_created = Signal()

#: What would storing these goals change above the tasks app? Keyword arguments: ``city``,
#: ``year`` (None for a plan of several years), ``goals`` (objects with ``metric``,
#: ``target_value`` and ``unit``). A receiver returns a proposal — an object with ``changes``,
#: ``conflicts``, ``year``, ``plan_usd``, ``plan_growth``, ``stored_usd`` and
#: ``stored_growth``, as the import and carry-forward pages show it — or None.
goals_proposed = Signal()

#: A plan's goals were stored (import, revision, carry forward). Keyword arguments as for
#: :data:`goals_proposed`, and ``user``, ``replace`` (the user confirmed replacing what is
#: stored) and ``reason`` ("" for the receiver's own). A receiver returns what it set, or None;
#: it raises ``ValidationError`` when the goals would overwrite a stored value unconfirmed.
goals_stored = Signal()


def first_answer(signal: Signal, **kwargs: Any) -> Any:
    """The first receiver's answer that is not None (None when no receiver answers)."""
    for _receiver, answer in signal.send(sender=None, **kwargs):
        if answer is not None:
            return answer
    return None
