"""What runs on a Dask worker: chunks of articles to extract, partitions of URLs to check.

Each worker holds one :class:`CheckSession` for the whole batch (a worker plugin, so a
worker that joins or is restarted mid-batch gets one too), on an event loop of its own in
a thread: the worker's own loop keeps talking to the scheduler while links are checked.
The client sends all URLs of a host to the worker that owns the host, so this session's
per-host limits are the cluster's.

Site probes (soft 404s by asking the site) run here too, by the host's owner, so a site is
probed once per section per batch. A worker has no database: its probes live in its memory
for the batch and are not read from or written to the ``probes`` table, so a Dask batch asks
each site again where the default engine would reuse a probe younger than a week.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from distributed import WorkerPlugin, get_worker

from auditor.batch.options import RECENT
from auditor.batch.work import Signed, extract_signed
from auditor.check import CheckSession
from auditor.models import Budget, CheckOptions, CheckResult, RawArticle

PLUGIN = "auditor-checker"
Answered = tuple[list[CheckResult], str | None]  # a partition's results, and why the network is down


class CheckerPlugin(WorkerPlugin):
    """One check session per worker, opened when the worker starts, closed when it ends."""

    name = PLUGIN

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.loop: asyncio.AbstractEventLoop | None = None
        self.session: CheckSession | None = None
        self.thread: threading.Thread | None = None

    def setup(self, worker: Any) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = _new_loop()
            self.loop = loop
            # The client asks for each URL once, so the worker needs no long memory of results
            # (the default, 200,000, grew a worker by tens of MB over a 20,000-article batch).
            self.session = CheckSession(self.options, done_max=RECENT)
            loop.run_until_complete(self.session.__aenter__())
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.session.__aexit__(None, None, None))
            loop.close()

        self.thread = threading.Thread(target=serve, name="auditor-checker", daemon=True)
        self.thread.start()
        ready.wait(60)

    def teardown(self, worker: Any) -> None:
        if self.loop is not None and self.thread is not None:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(30)


def _new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


async def check_partition(keys: Sequence[str], published: Mapping[str, str]) -> Answered:
    """Check one host's URLs with this worker's session (the task awaits; the session's loop works).

    With the answers goes why this worker's network looks unreachable, if it does: the client
    then stops the batch as the default engine does (exit 75), storing none of them."""
    plugin = get_worker().plugins[PLUGIN]
    if not isinstance(plugin, CheckerPlugin) or plugin.session is None or plugin.loop is None:
        raise RuntimeError("the auditor checker plugin is not running on this worker")
    session = plugin.session
    future = asyncio.run_coroutine_threadsafe(session.check(keys, published=published), plugin.loop)
    results = await asyncio.wrap_future(future)
    return results, session.network_down


def extract_chunk(
    items: Sequence[str | RawArticle], max_bytes: int, domains_file: str | None, budget: Budget | None
) -> list[Signed | str]:
    """Extract and sign a chunk of articles, each a path this worker reads or a shipped article."""
    return [extract_signed(item, max_bytes, domains_file, budget) for item in items]
