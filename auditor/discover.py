"""Which files of a folder are articles: supported extensions, globs, no hidden files.

Its own module because ``batch`` and ``check`` both walk folders, and ``check`` must not pay
for the batch's imports (process pools, the store, near-duplicate detection) to do so.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from pathlib import Path

from auditor.errors import AuditorError
from auditor.load import SUPPORTED_EXTENSIONS


def discover(
    folder: Path, include: Sequence[str] = (), exclude: Sequence[str] = (), *, skip: Path | None = None
) -> Iterator[Path]:
    """Supported files under ``folder`` in a stable order, filtered by glob patterns.

    Patterns match the path relative to ``folder`` or the bare file name. Hidden files and
    folders, and ``skip`` (the report folder, so a rerun never audits our own reports), are
    left out.
    """
    if not folder.is_dir():
        raise AuditorError(f"{folder}: not a folder")
    skipped = skip.resolve() if skip is not None else None
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS or any(p.startswith(".") for p in rel.parts):
            continue
        if path.is_dir() and not path.is_symlink():  # dangling links and FIFOs are reported, not hidden
            continue
        if skipped is not None and path.resolve().is_relative_to(skipped):
            continue
        if include and not _matches(rel.as_posix(), path.name, include):
            continue
        if not _matches(rel.as_posix(), path.name, exclude):
            yield path


def _matches(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)
