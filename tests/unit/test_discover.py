"""Discovery walks lazily, in the order the sorted paths would have, hidden entries left out."""

from __future__ import annotations

import os
from pathlib import Path

from auditor.batch.discovery import discover


def test_the_lazy_walk_keeps_the_sorted_order_and_skips_hidden_files(tmp_path: Path) -> None:
    names = ["a/x.html", "a.html", "a-b.html", "a/b/c.md", "a/b.html", "ab/z.txt", "A.html", "a/.hidden/x.html",
             ".draft.md", "b.md", "a0/q.html", "notes.pdf", "reports/old.html"]  # fmt: skip
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    os.symlink(tmp_path / "a", tmp_path / "linked")  # a link to a folder is not walked into
    found = discover(tmp_path, skip=tmp_path / "reports")
    assert iter(found) is found  # a generator: nothing listed before it is asked for
    expected = [
        p for p in sorted(tmp_path.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".md", ".txt") and not any(s.startswith(".") for s in p.relative_to(tmp_path).parts)
        and not p.is_relative_to(tmp_path / "reports") and not p.is_relative_to(tmp_path / "linked")
    ]  # fmt: skip
    assert list(found) == expected
    assert [p.relative_to(tmp_path).as_posix() for p in expected][:4] == [
        "A.html",
        "a/b/c.md",
        "a/b.html",
        "a/x.html",
    ]
