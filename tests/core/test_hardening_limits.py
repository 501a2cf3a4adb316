"""Nothing a user sends or asks for holds the server: a spreadsheet that unpacks to far more
than it weighs, PDFs asked for many at once, text of any length, guessing a password on
/password/; and files with personal data are readable by their owner only."""

from __future__ import annotations

import io
import os
import stat
import threading
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from assessments import document_views, documents
from fdi_portal.archives import MIB, archive_problem
from fdi_portal.lib.private_files import open_private
from fdi_portal.lib.spreadsheets import XLSX_LIMITS, write_xlsx
from fdi_portal.lib.spreadsheets.archive import read_cells
from tests.conftest import TEST_PASSWORD

# --------------------------------------------------------------------------- spreadsheets


def test_a_sheet_of_122_mb_of_spaces_compressed_40_to_1_is_refused_unread():
    sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
    sheet.file_size, sheet.compress_size = 122 * MIB, 3 * MIB
    assert "解压后" in archive_problem([sheet], XLSX_LIMITS)


def test_a_padded_sheet_is_refused_before_calamine_reads_it():
    """A real file: a sheet padded to 48 MB of spaces (under the ratio bound: digits mixed
    in) is refused from the zip's directory, in a fraction of what reading it would take."""
    book = io.BytesIO()
    write_xlsx([["地区", "金额"], ["上思县", 1]], title="Sheet1", target=book)
    padded = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book.getvalue())) as source,
        zipfile.ZipFile(padded, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                filler = (b" " * 1000 + os.urandom(8).hex().encode()) * (48 * 1024)
                data = data.replace(b"<sheetData>", b"<sheetData>" + filler, 1)
            target.writestr(info.filename, data)
    started = time.monotonic()
    result = read_cells(io.BytesIO(padded.getvalue()), max_bytes=None)
    assert result.problem is not None
    assert "解压后" in result.problem.message
    assert time.monotonic() - started < 1


# --------------------------------------------------------------------------- PDF


def word_file(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def pdf_dir(settings, tmp_path) -> Path:
    settings.PDF_DIR = str(tmp_path / "documents")
    return Path(settings.PDF_DIR)


def test_the_pdf_of_an_issued_document_is_made_once_and_kept_for_its_owner(pdf_dir, monkeypatch):
    made = []
    monkeypatch.setattr(documents, "to_pdf", lambda docx: made.append(docx) or b"%PDF-1.7 kept")
    first = word_file("防城港市利用外资工作通报")
    time.sleep(2.1)  # the zip's entries carry the time they are written: another zip
    second = word_file("防城港市利用外资工作通报")
    assert first != second
    assert documents.kept_pdf(first) == b"%PDF-1.7 kept"
    assert documents.kept_pdf(second) == b"%PDF-1.7 kept"
    assert len(made) == 1
    [kept] = pdf_dir.glob("*.pdf")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    documents.kept_pdf(word_file("另一份通报"))
    assert len(made) == 2


def test_no_more_conversions_run_at_once_than_allowed(pdf_dir, settings):
    settings.PDF_CONVERSIONS = 1
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with documents.conversion_slot():
            inside.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert inside.wait(10)
        with pytest.raises(documents.ConversionBusy), documents.conversion_slot():
            pass
    finally:
        release.set()
        holder.join()
    with documents.conversion_slot():
        pass  # free again


def test_a_busy_converter_answers_at_once_with_a_retry(pdf_dir, monkeypatch):
    def busy(docx: bytes) -> bytes:
        raise documents.ConversionBusy("busy")

    monkeypatch.setattr(documents, "to_pdf", busy)
    response = document_views.document_response(b"", "通报", "pdf", issued=False)
    assert response.status_code == 503
    assert response["Retry-After"] == "60"


# --------------------------------------------------------------------------- free text


def test_a_difficulty_of_700_000_characters_is_refused(client, clerk, fangchenggang):
    from projects.models import Difficulty
    from tests.projects.conftest import make_project

    project = make_project(fangchenggang)
    client.force_login(clerk)
    response = client.post(
        reverse("projects:difficulty_create", args=[project.pk]),
        {"raised_on": "2026-03-01", "category": "land", "text": "难" * 700_000, "status": "open"},
    )
    assert response.status_code == 200
    assert not Difficulty.objects.exists()
    assert Difficulty._meta.get_field("text").max_length == 2000


# --------------------------------------------------------------------------- file modes


def test_files_with_personal_data_are_written_for_their_owner_only(tmp_path, settings):
    from fdi_portal.imports import keep_upload, upload_path

    old = os.umask(0o022)
    try:
        with open_private(tmp_path / "export.xlsx") as file:
            file.write(b"x")
        assert stat.S_IMODE((tmp_path / "export.xlsx").stat().st_mode) == 0o600
        settings.IMPORT_DIR = str(tmp_path / "imports")
        token = keep_upload(SimpleUploadedFile("figures.xlsx", b"PK..."))
        assert stat.S_IMODE(upload_path(token).stat().st_mode) == 0o600
        assert stat.S_IMODE(Path(settings.IMPORT_DIR).stat().st_mode) == 0o700
    finally:
        os.umask(old)


@pytest.mark.django_db(transaction=True)
def test_a_backup_is_written_for_its_owner_only(seed, tmp_path):
    from django.db import connection

    from fdi_portal.backups import backup

    if connection.vendor == "postgresql":
        import shutil

        if shutil.which("pg_dump") is None:
            pytest.skip("pg_dump is not installed")
    old = os.umask(0o022)
    try:
        target = tmp_path / "portal.backup"
        backup(target)
    finally:
        os.umask(old)
    assert target.stat().st_size > 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


# --------------------------------------------------------------------------- /password/


def change_password(client, old: str):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": "Xin-mima-2026", "new_password2": "Xin-mima-2026"},
    )


def test_wrong_old_passwords_lock_the_password_change_like_the_login(client, clerk, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    client.force_login(clerk)
    for _ in range(4):
        assert change_password(client, "wrong").status_code == 200
    assert change_password(client, "wrong").status_code == 429
    locked = change_password(client, TEST_PASSWORD)
    assert locked.status_code == 429
    clerk.refresh_from_db()
    assert clerk.check_password(TEST_PASSWORD)


def test_the_right_old_password_still_changes_it_with_lockout_on(client, clerk, settings):
    settings.AXES_ENABLED = True
    client.force_login(clerk)
    assert change_password(client, "wrong").status_code == 200
    assert change_password(client, TEST_PASSWORD).status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password("Xin-mima-2026")
