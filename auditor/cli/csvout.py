"""CSV for people who live in spreadsheets: UTF-8 with a byte-order mark (Excel reads it as
UTF-8 then), a header row, and no cell a spreadsheet would run as a formula.

Article text is hostile: a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is a formula to Excel and LibreOffice (CSV injection), so such a cell is
written with a leading apostrophe, which both show as text. Files are written to a
temporary name and renamed, so a reader never opens half an export.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def write_rows(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], handle: IO[str]) -> int:
    """Header and rows to ``handle``; returns how many rows. An empty table is its header."""
    writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({k: cell(v) for k, v in row.items()})
        count += 1
    return count


def write_file(columns: Sequence[str], rows: Iterable[Mapping[str, Any]], path: Path) -> int:
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            count = write_rows(columns, rows, handle)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def write_stdout(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    buffer = io.StringIO(newline="")
    count = write_rows(columns, rows, buffer)
    sys.stdout.write(buffer.getvalue())
    return count
