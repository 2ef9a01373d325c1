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


def chosen(
    folder: Path, path: Path, include: Sequence[str] = (), exclude: Sequence[str] = (), *,
    skip: Path | None = None,
) -> bool:  # fmt: skip
    """True when ``discover`` would yield ``path``: what a batch counts as its folder's articles
    (--fail-on), told from a stored source without holding the list of files found."""
    if not path.is_relative_to(folder) or path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        return False
    rel = path.relative_to(folder)
    if any(part.startswith(".") for part in rel.parts) or not path.exists():
        return False
    if skip is not None and path.resolve().is_relative_to(skip.resolve()):
        return False
    if include and not _matches(rel.as_posix(), path.name, include):
        return False
    return not _matches(rel.as_posix(), path.name, exclude)


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


def skipped(
    folder: Path, include: Sequence[str] = (), exclude: Sequence[str] = (), *, skip: Path | None = None
) -> Iterator[tuple[Path, str]]:
    """What ``discover`` leaves out of ``folder``, each with why, so a batch can say so.

    A hidden folder or the report folder is one entry, not one per file inside it.
    """
    if not folder.is_dir():
        return
    skipped_dir = skip.resolve() if skip is not None else None
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        for name in sorted(dirs):
            path = here / name
            if name.startswith("."):
                dirs.remove(name)
                yield path, "a hidden folder"
            elif skipped_dir is not None and path.resolve() == skipped_dir:
                dirs.remove(name)
                yield path, "the reports folder (--out)"
        dirs.sort()
        for name in sorted(files):
            path = here / name
            why = _why_not(path, path.relative_to(folder).as_posix(), include, exclude)
            if why:
                yield path, why


def _why_not(path: Path, rel: str, include: Sequence[str], exclude: Sequence[str]) -> str:
    if path.name.startswith("."):
        return "a hidden file"
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        return f"not an article format ({path.suffix or 'no extension'}; audited: .html, .htm, .md, .txt)"
    if include and not _matches(rel, path.name, include):
        return "not matched by --include"
    if _matches(rel, path.name, exclude):
        return "matched by --exclude"
    return ""
