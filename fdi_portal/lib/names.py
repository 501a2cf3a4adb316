"""Normalising the names of units as policy documents write them.

Documents write the same unit many ways: 「防城港市发展和改革委员会」, 「市发展改革委」, 「发展改革委」,
「发改委」, with spaces between characters (「武 威 市 商 务 局」), bold markers or a page break
inside the name (「市市场监管\\n\\n局」). These helpers are pure and know nothing of the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_NOISE = re.compile(r"[\s\u3000*#]+")


def normalise_name(text: str) -> str:
    """Return ``text`` without white space (full-width included), line breaks or markdown markers."""
    return _NOISE.sub("", text)


def written_forms(names: Iterable[str], *, city_name: str) -> Iterator[str]:
    """Yield every form a document may write for a unit known by ``names``.

    For each name without the city prefix (「商务局」) the forms are the name, the name with the
    「市」 prefix (「市商务局」) and with the city's name (「防城港市商务局」). Names that already
    carry a prefix are yielded as they are too. Stripping prefixes from the *written* side instead
    would be wrong: 「市场监管局」 itself starts with 「市」.
    """
    short_city = city_name.removesuffix("市")
    for raw in names:
        name = normalise_name(raw)
        if not name:
            continue
        yield name
        bare = name
        for prefix in (city_name, short_city):
            if prefix and bare.startswith(prefix) and len(bare) > len(prefix):
                bare = bare.removeprefix(prefix)
                break
        yield bare
        yield "市" + bare
        yield city_name + bare
