"""Which files of a folder are articles: supported extensions, globs, no hidden files.

Part of the batch package, and ``check`` walks folders with it too: it imports nothing else
of the batch (the package loads its modules on first use), so ``check`` pays for no process
pool, store or near-duplicate detection.

The walk is lazy, one directory listing at a time, in the order of the sorted paths: an
archive of a million files is never a list of a million paths in memory.
"""

from __future__ import annotations

import fnmatch
import os
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
    for path in _walk(folder):
        rel = path.relative_to(folder)
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            continue
        if path.is_dir() and not path.is_symlink():  # dangling links and FIFOs are reported, not hidden
            continue
        if skipped is not None and path.resolve().is_relative_to(skipped):
            continue
        if include and not _matches(rel.as_posix(), path.name, include):
            continue
        if not _matches(rel.as_posix(), path.name, exclude):
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    """Every entry under ``folder`` but hidden ones, depth first, in the order of
    ``sorted(rglob("*"))`` (paths compare part by part); links to folders are not followed,
    as ``rglob`` does not follow them."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((e for e in listing if not e.name.startswith(".")), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = folder / entry.name
        yield path
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)


def _matches(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)
