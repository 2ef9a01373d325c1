"""Site probes: how each site section answers a path that cannot exist (``check/probe.py``).

Kept so that a batch, and the runs after it, ask each site once. Only conclusive answers are
stored (a 404, or a page and the sketch of its text): a probe that failed is asked again by
the next run. One row per probe key, the latest.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from auditor.models import SiteProbe
from auditor.store import rows
from auditor.store.base import StoreBase, mapped

PROBE_TTL_HOURS = 24 * 7  # sites rarely change how they answer unknown paths; --recheck asks again
_FIELDS = ("key", "url", "status", "final_url", "redirects", "title", "size", "shingles", "sketch",
           "article", "checked_at")  # fmt: skip


class Probes(StoreBase):
    """Reads and writes of the ``probes`` table."""

    @mapped
    def cached_probe(self, key: str, ttl_hours: float = PROBE_TTL_HOURS) -> SiteProbe | None:
        """The stored probe of ``key`` younger than ``ttl_hours``, or None."""
        row = self.db.execute(f"SELECT {', '.join(_FIELDS)} FROM probes WHERE key = ?", [key]).fetchone()
        if row is None:
            return None
        values = dict(zip(_FIELDS, row, strict=True))
        checked = rows.parse_time(values["checked_at"])
        if checked is None or datetime.now(UTC) - checked > timedelta(hours=ttl_hours):
            return None
        values["sketch"] = tuple(json.loads(values["sketch"]))
        values["article"] = bool(values["article"])
        return SiteProbe(**values)

    def save_probe(self, probe: SiteProbe) -> None:
        values: list[object] = [getattr(probe, name) for name in _FIELDS]
        values[_FIELDS.index("sketch")] = json.dumps(list(probe.sketch))
        values[_FIELDS.index("checked_at")] = probe.checked_at or rows.now()
        with self._writing():
            self.db.execute(
                f"INSERT OR REPLACE INTO probes ({', '.join(_FIELDS)}) VALUES ({', '.join('?' * len(_FIELDS))})",
                values,
            )
