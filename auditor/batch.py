"""``auditor batch``: thousands of articles overnight, resumable, each distinct URL checked once.

The unit of work is one article (``extract_file``, a plain function over a path, run in a
process pool so parsing uses every core) and one URL check (the checker). Articles flow in
chunks: while one chunk's URLs are being checked, the next chunk is already being parsed, so
CPU and network overlap and memory is bounded by the chunk size, not the corpus. Each
article is committed in its own transaction as it finishes; a rerun skips every article
whose content hash is already stored, so a crash at 3 a.m. costs at most one chunk of work.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from auditor import __version__
from auditor.check.checker import check_urls
from auditor.errors import AuditorError
from auditor.load import DEFAULT_MAX_BYTES, SUPPORTED_EXTENSIONS, content_hash, load_path
from auditor.models import Article, Audit, CheckOptions, CheckResult, LinkKind
from auditor.neardup import near_duplicates
from auditor.report.render import write_index, write_report
from auditor.store import CheckCache, Store
from auditor.urls import check_key


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOptions:
    folder: Path
    out_dir: Path = Path("reports")
    db_path: Path = Path("reports/audit.db")
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False
    jsonl: Path | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    chunk: int = 32
    workers: int = 2
    check: CheckOptions = field(default_factory=CheckOptions)


@dataclass(slots=True)
class BatchStats:
    found: int = 0
    skipped: int = 0
    audited: int = 0
    failed: int = 0
    links: int = 0
    urls_checked: int = 0
    near_duplicates: int = 0


Progress = Callable[[BatchStats, str], None]


def discover(folder: Path, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Supported files under ``folder`` in a stable order, filtered by glob patterns."""
    if not folder.is_dir():
        raise AuditorError(f"{folder}: not a folder")
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            continue
        rel = path.relative_to(folder).as_posix()
        if include and not any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in include):
            continue
        if any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in exclude):
            continue
        yield path


def extract_file(path: str, max_bytes: int, domains_file: str | None) -> Article | str:
    """One article's unit of work: a record, or the one-line reason it failed (never raises)."""
    from auditor.classify.domains import DomainTable
    from auditor.pipeline import extract_raw

    try:
        table = DomainTable.load(domains_file) if domains_file else None
        return extract_raw(load_path(path, max_bytes=max_bytes), table=table)
    except AuditorError as exc:
        return str(exc)
    except (ValueError, RecursionError, MemoryError, UnicodeError) as exc:
        return f"{path}: cannot extract ({type(exc).__name__}: {exc})"


def _pending(files: Sequence[Path], store: Store, opts: BatchOptions, stats: BatchStats) -> list[Path]:
    """Files whose current content is not yet stored (all of them with --force)."""
    todo = []
    for path in files:
        if not opts.force:
            try:
                raw = load_path(path, max_bytes=opts.max_bytes)
            except AuditorError:
                todo.append(path)  # let the worker record the failure
                continue
            if store.article_done(str(path), content_hash(raw.text)):
                stats.skipped += 1
                continue
        todo.append(path)
    return todo


class _Runner:
    def __init__(self, opts: BatchOptions, store: Store, run_id: int, progress: Progress) -> None:
        self.opts, self.store, self.run_id, self.progress = opts, store, run_id, progress
        self.stats = BatchStats()
        self.seen: dict[str, CheckResult] = {}
        self.cache = CheckCache(store, run_id, opts.check.cache_ttl_hours)
        self.jsonl = opts.jsonl.open("a", encoding="utf-8") if opts.jsonl else None

    async def run(self, files: list[Path], pool: Executor) -> None:
        loop = asyncio.get_running_loop()
        domains = self.opts.check.domains_file
        chunks = [files[i : i + self.opts.chunk] for i in range(0, len(files), self.opts.chunk)]

        def submit(chunk: list[Path]) -> list[asyncio.Future[Article | str]]:
            return [loop.run_in_executor(pool, extract_file, str(p), self.opts.max_bytes, domains) for p in chunk]

        pending = submit(chunks[0]) if chunks else []
        for index, chunk in enumerate(chunks):
            results = await asyncio.gather(*pending)
            pending = submit(chunks[index + 1]) if index + 1 < len(chunks) else []
            await self._finish_chunk(chunk, list(results))

    async def _finish_chunk(self, chunk: list[Path], results: list[Article | str]) -> None:
        articles = [r for r in results if isinstance(r, Article)]
        for path, result in zip(chunk, results, strict=True):
            if isinstance(result, str):
                self.store.record_failure(str(path), result, self.run_id)
                self.stats.failed += 1
                self.progress(self.stats, f"failed: {result}")
        urls = [lk.url for a in articles for lk in a.links if lk.kind is LinkKind.WEB]
        fresh = [u for u in dict.fromkeys(check_key(u) for u in urls) if u not in self.seen]
        published = {check_key(lk.url): a.metadata.published for a in articles for lk in a.links if a.metadata.published}
        if fresh:
            for result in await check_urls(fresh, self.opts.check, published=published, cache=self.cache):
                self.seen[result.url] = result
            self.stats.urls_checked += len(fresh)
        for article in articles:
            keys = dict.fromkeys(check_key(lk.url) for lk in article.links if lk.kind is LinkKind.WEB)
            audit = Audit(article=article, checks=tuple(self.seen[k] for k in keys if k in self.seen))
            self.store.save_audit(audit, self.run_id)
            write_report(audit, self.opts.out_dir)
            if self.jsonl:
                from auditor.jsonout import article_json

                self.jsonl.write(json.dumps(article_json(article, audit.checks), ensure_ascii=False) + "\n")
                self.jsonl.flush()
            self.stats.audited += 1
            self.stats.links += len(article.links)
            self.progress(self.stats, article.source)

    def close(self) -> None:
        if self.jsonl:
            self.jsonl.close()


def _mark_near_duplicates(store: Store, run_id: int, out_dir: Path) -> int:
    """Record undeclared copies as ``near-duplicate`` cross-posts on the later copy."""
    audits = store.audits()
    changed = near_duplicates([a.article for a in audits])
    by_source = {a.article.source: a for a in audits}
    for source, crossposts in changed.items():
        audit = by_source[source]
        audit = replace(audit, article=replace(audit.article, crossposts=crossposts))
        store.save_audit(replace(audit, checks=()), run_id)
        write_report(audit, out_dir)
    return len(changed)


def run_batch(opts: BatchOptions, progress: Progress) -> BatchStats:
    """Audit every supported file under the folder; returns what was done."""
    files = list(discover(opts.folder, opts.include, opts.exclude))
    if not files:
        raise AuditorError(f"{opts.folder}: no .html, .htm, .md or .txt files found")
    store = Store.open(opts.db_path)
    run_id = store.start_run("batch", _options_json(opts), __version__)
    runner = _Runner(opts, store, run_id, progress)
    runner.stats.found = len(files)
    try:
        todo = _pending(files, store, opts, runner.stats)
        progress(runner.stats, f"{len(todo)} to audit, {runner.stats.skipped} already done")
        with ProcessPoolExecutor(max_workers=max(1, opts.workers)) as pool:
            asyncio.run(runner.run(todo, pool))
        runner.stats.near_duplicates = _mark_near_duplicates(store, run_id, opts.out_dir)
        write_index(store.audits(), store.failures(), opts.out_dir)
        store.finish_run(run_id, asdict(runner.stats))
    finally:
        runner.close()
        store.close()
    return runner.stats


def _options_json(opts: BatchOptions) -> dict[str, object]:
    data = asdict(opts)
    return json.loads(json.dumps(data, default=str))  # type: ignore[no-any-return]
