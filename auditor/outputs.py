"""Where results go: checked before any work starts, so a bad ``--out`` or ``--jsonl`` fails in
one line at once instead of after an hour of checking (and never half-way through a write)."""

from __future__ import annotations

import os
from pathlib import Path

from auditor.errors import AuditorError


def prepare_dir(path: Path, what: str = "--out") -> Path:
    """Create ``path`` if needed and make sure we can write in it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise AuditorError(f"{path}: {what} must be a folder, and a file of that name exists") from exc
    except OSError as exc:
        raise AuditorError(f"{path}: cannot create the {what} folder ({exc.strerror or exc})") from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise AuditorError(f"{path}: the {what} folder is not writable")
    return path


def check_file_target(path: Path, what: str) -> Path:
    """A file we will append to: its folder must be creatable and it must not be a folder."""
    if path.is_dir():
        raise AuditorError(f"{path}: {what} must be a file, and this is a folder")
    if path.exists() and not path.is_file():  # a FIFO would block the first write forever
        raise AuditorError(f"{path}: {what} must be a regular file")
    prepare_dir(path.parent, f"{what} parent")
    if path.exists() and not os.access(path, os.W_OK):
        raise AuditorError(f"{path}: {what} is not writable")
    return path
