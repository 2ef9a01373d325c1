"""Cassettes: recorded HTTP exchanges, one JSON object per line (format in cassettes/README.md).

Only the file format lives here (no HTTP): ``viahttpx.py`` turns entries into responses for
``--replay`` and ``client.Recorder`` turns answers into entries for ``--record``, so everything
above the fetcher (redirects, retries, classification) runs the same code live and replayed. Lines are written with sorted keys and sorted by URL then method, so
two recordings of the same run diff line by line, and people can write cassettes by hand.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import CassetteError
from auditor.load import NotRegular, open_regular
from auditor.urls import BadURL, check_key, normalise

#: Response headers worth keeping: what the checker reads. Content-Length and
#: Content-Encoding are dropped because the body is stored decoded and possibly truncated.
KEPT_HEADERS = ("content-type", "location", "retry-after", "server", "cf-mitigated", "x-robots-tag")
ERROR_KINDS = ("timeout", "connect", "dns", "tls", "protocol")


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One exchange: the answer to ``method url``, or the transport ``error`` it ended in."""

    method: str
    url: str
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    error: str | None = None
    detail: str = ""  # the error's message, for the reason shown on replay

    def to_line(self) -> str:
        data: dict[str, Any] = {"method": self.method, "url": self.url}
        if self.error:
            data["error"] = self.error
            if self.detail:
                data["detail"] = self.detail
        else:
            data.update(status=self.status, headers=dict(sorted(self.headers.items())), body=self.body)
        return json.dumps(data, sort_keys=True, ensure_ascii=False)


def lookup_key(url: str) -> str:
    """Entries and requests meet on the checker's key, so hand-written URLs need not be exact."""
    try:
        return check_key(normalise(url))
    except BadURL:
        return url.strip()


def _entry_from(data: object, where: str) -> Entry:
    if not isinstance(data, dict):
        raise CassetteError(f"{where}: expected a JSON object")
    method, url = data.get("method", "GET"), data.get("url")
    if not isinstance(url, str) or not isinstance(method, str):
        raise CassetteError(f'{where}: needs "url" (and "method") as strings')
    error = data.get("error")
    if error is not None:
        if error not in ERROR_KINDS:
            raise CassetteError(f'{where}: "error" must be one of {", ".join(ERROR_KINDS)}')
        detail = data.get("detail", "")
        return Entry(
            method=method.upper(), url=url, error=error, detail=detail if isinstance(detail, str) else ""
        )
    status, headers, body = data.get("status"), data.get("headers", {}), data.get("body", "")
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise CassetteError(f'{where}: "status" must be an HTTP status number')
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise CassetteError(f'{where}: "headers" must map names to strings')
    if not isinstance(body, str):
        raise CassetteError(f'{where}: "body" must be a string')
    lowered = {str(k).lower(): v for k, v in headers.items()}
    return Entry(method=method.upper(), url=url, status=status, headers=lowered, body=body)


class Cassette:
    """Entries indexed by (method, key); a HEAD is answered by a GET entry and vice versa."""

    def __init__(self, entries: list[Entry] | None = None) -> None:
        self._by_key: dict[tuple[str, str], Entry] = {}
        for entry in entries or []:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        """Later entries win: a 429 then a 200 for one URL replays as the 200."""
        self._by_key[(entry.method, lookup_key(entry.url))] = entry

    def find(self, method: str, url: str) -> Entry | None:
        key = lookup_key(url)
        method = method.upper()
        hit = self._by_key.get((method, key))
        if hit is not None:
            return hit
        other = {"HEAD": "GET", "GET": "HEAD"}.get(method)
        return self._by_key.get((other, key)) if other else None

    def entries(self) -> list[Entry]:
        return sorted(self._by_key.values(), key=lambda e: (e.url, e.method))

    def __len__(self) -> int:
        return len(self._by_key)


def load(path: str | Path) -> Cassette:
    """Read a cassette; raise ``CassetteError`` (one line) if it is missing or malformed."""
    p = Path(path)
    try:
        with open_regular(p) as fh:
            text = fh.read().decode("utf-8")
    except NotRegular as exc:
        raise CassetteError(f"cassette is not a regular file: {p}") from exc
    except FileNotFoundError as exc:
        raise CassetteError(f"cassette not found: {p}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CassetteError(f"cannot read cassette {p}: {exc}") from exc
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CassetteError(f"{p}:{number}: not JSON ({exc.msg})") from exc
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, nesting 10⁵ deep
            raise CassetteError(f"{p}:{number}: not a plain JSON object ({type(exc).__name__})") from exc
        entries.append(_entry_from(data, f"{p}:{number}"))
    return Cassette(entries)


def save(cassette: Cassette, path: str | Path) -> None:
    """Write the whole cassette at once (sorted), so an interrupted run leaves no half line."""
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    try:
        if p.parent:
            p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text("".join(e.to_line() + "\n" for e in cassette.entries()), encoding="utf-8")
        tmp.replace(p)
    except OSError as exc:
        raise CassetteError(f"cannot write cassette {p}: {exc}") from exc
