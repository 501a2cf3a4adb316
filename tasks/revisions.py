"""Revisions of a stored plan: which stored task each task of the revised text is, pure.

Bureaus revise a plan (a 修订版 or a corrected text): tasks are added, dropped, retitled,
renumbered, their units changed. Importing the revised text updates the stored plan in place, so
the progress reports filed on a task stay with it. :func:`match_tasks` pairs the tasks of the
revised text with the stored ones, in passes, each pairing only what the earlier ones left:

1. same label path (二（四）二是) and the same title: the task did not change;
2. the same title under another label path: the task was renumbered or moved;
3. the same label path and a similar title (``SIMILAR_AT_PATH``): the task was retitled;
4. another label path and a very similar title (``SIMILAR_ANYWHERE``): retitled and moved.

Similarity is difflib's ratio of the two titles (2 × matching characters ÷ both lengths): 创新开展
外资招商活动 → 创新外资招商方式 shares 创新 and 外资招商, 2 × 6 ÷ 18 = 0.67. Within a pass the most
similar pairs are taken first. A stored task left unpaired is removed (with its reports), a task
of the text left unpaired is added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

#: A retitled task under the same label path needs at least this similarity of titles.
SIMILAR_AT_PATH = 0.5
#: A task that moved to another label path and was retitled needs at least this similarity.
SIMILAR_ANYWHERE = 0.8


@dataclass(frozen=True)
class Item:
    """A task as the matcher sees it: a key (a stored task's pk, a parsed task's order), its
    label path and its title."""

    key: int
    path: tuple[str, ...]
    title: str


def similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def match_tasks(stored: Sequence[Item], revised: Sequence[Item]) -> dict[int, int]:
    """Pairs ``revised`` key → ``stored`` key, by the passes of the module docstring."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()

    def run(score) -> None:
        candidates = []
        for new in revised:
            if new.key in pairs:
                continue
            for old in stored:
                if old.key in taken:
                    continue
                value = score(old, new)
                if value is not None:
                    candidates.append((-value, new.key, old.key))
        for _value, new_key, old_key in sorted(candidates):
            if new_key not in pairs and old_key not in taken:
                pairs[new_key] = old_key
                taken.add(old_key)

    run(lambda o, n: 1.0 if o.path == n.path and o.title == n.title else None)
    run(lambda o, n: 1.0 - _path_distance(o, n) if o.title == n.title else None)

    def at_path(o: Item, n: Item) -> float | None:
        if o.path != n.path:
            return None
        value = similarity(o.title, n.title)
        return value if value >= SIMILAR_AT_PATH else None

    def anywhere(o: Item, n: Item) -> float | None:
        value = similarity(o.title, n.title)
        return value if value >= SIMILAR_ANYWHERE else None

    run(at_path)
    run(anywhere)
    return pairs


def _path_distance(old: Item, new: Item) -> float:
    """A small tie-breaker between equal titles: prefer the same depth, then the same parent."""
    return 0.01 * (len(old.path) != len(new.path)) + 0.001 * (old.path[:-1] != new.path[:-1])
