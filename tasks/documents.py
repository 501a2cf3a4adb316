"""The text of a plan document as bureaus receive it: a Word file (.docx) or plain text saved
as UTF-8 or, as Chinese Windows saves "ANSI" text, GB18030 (a superset of GBK and GB2312)."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from fdi_portal.archives import MIB, ArchiveLimits, archive_problem
from fdi_portal.lib.text import clean_text

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class UnreadableDocument(ValueError):
    """The bytes are neither a .docx nor text in a known encoding."""


class DocumentTooLarge(UnreadableDocument):
    """A .docx that would unpack to too much (a decompression bomb); the message says so."""


#: What a .docx may unpack to (its text and its images), checked before anything is unpacked.
DOCX_LIMITS = ArchiveLimits(total_bytes=100 * MIB, part_bytes=20 * MIB, ratio=100)


def document_text(content: bytes) -> str:
    """Plain text, one paragraph per line, without control characters (Word's vertical tab
    becomes a line break: fdi_portal.lib.text). Raises UnreadableDocument."""
    if content.startswith(b"PK\x03\x04"):
        return clean_text(_docx_text(content))
    if b"\x00" in content:  # binary (an old .doc, a PDF, an image), not text in any encoding
        raise UnreadableDocument("binary content")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return clean_text(content.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("not a .docx file, nor UTF-8 or GB18030 text")


def _docx_text(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            problem = archive_problem(archive.infolist(), DOCX_LIMITS)
            if problem is not None:
                raise DocumentTooLarge(problem)
            xml = archive.read("word/document.xml")
    except (zipfile.BadZipFile, KeyError) as error:
        raise UnreadableDocument("a zip file without a Word document inside") from error
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as error:  # a damaged or hand-made file
        raise UnreadableDocument("the Word document inside is not well-formed XML") from error
    paragraphs = []
    for paragraph in root.iter(f"{WORD}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{WORD}t":
                parts.append(node.text or "")
            elif node.tag == f"{WORD}tab":
                parts.append("\t")
            elif node.tag in (f"{WORD}br", f"{WORD}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)
