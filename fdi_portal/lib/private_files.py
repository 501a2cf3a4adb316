"""Files that hold personal data (backups, exports, uploads waiting for their confirmation):
written readable and writable by their owner only (0600), in folders only the owner enters."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

#: The mode of such a file, and of the folder that holds them.
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """``folder``, created for its owner only when missing."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    return folder


def open_private(path: Path) -> BinaryIO:
    """``path`` opened to be written from empty, its mode 0600 whatever the umask (and whatever
    it was: an existing file is truncated and its mode set)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)
    return os.fdopen(descriptor, "wb")
