"""Text as people type, paste and upload it, made safe to store, show and export.

Word leaves a vertical tab (\\x0b) for a manual line break and a form feed (\\x0c) for a page
break in pasted text; other control characters come from copying out of old systems. None of
them can be shown, and xlsx (XML) cannot hold them: an export of such text used to fail.
"""

from __future__ import annotations

import re

# Line and page breaks become line breaks; CR LF and a lone CR become LF.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Every other C0 control but tab and LF, DEL, and the C1 controls.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def clean_text(value: str) -> str:
    """``value`` with line breaks normalised to LF and every other control character but TAB
    removed. Idempotent; text without control characters is returned unchanged."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", value))
