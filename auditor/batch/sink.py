"""The batch's one writer: failures, reports, ``--jsonl`` lines and per-article commits.

Every engine ends here, in the process that owns the database: records come back from the
workers (processes on this machine or a Dask cluster) and are written one article per
transaction, after its report and ``--jsonl`` line, so resume works the same whichever
engine did the work. Near-duplicate records are found as each article is committed (its
signature and the records it changes are part of its transaction), so nothing at the end
of the batch has to load the corpus.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING

from auditor.batch.neardup import NearDuplicates, signature
from auditor.batch.options import BatchOptions, BatchStats, Event, Progress
from auditor.batch.work import one_line
from auditor.models import Article, Audit, CheckResult, LinkKind, QuoteCheck
from auditor.store import Store
from auditor.urls import check_key

if TYPE_CHECKING:
    from auditor.quotes.targets import Target


class Sink:
    def __init__(
        self, opts: BatchOptions, store: Store, run_id: int, stats: BatchStats, progress: Progress
    ) -> None:
        self.opts, self.store, self.run_id, self.stats, self.progress = opts, store, run_id, stats, progress
        self.run = store.run_info(run_id)  # what each report says of the run (mode, options, folder)
        self.jsonl: IO[str] | None = None
        self.near = NearDuplicates(store)

    def failed(self, source: str, reason: str) -> None:
        self.store.record_failure(source, reason, self.run_id)
        self.stats.failed += 1
        self.progress(self.stats, Event.FAILED, reason)

    def checked(self, _result: CheckResult) -> None:
        self.stats.urls_checked += 1
        self.progress(self.stats, Event.URL)

    def commit(
        self,
        article: Article,
        checked: dict[str, CheckResult],
        quotes: tuple[QuoteCheck, ...] = (),
        *,
        signed: bool = False,
        minhash: bytes | None = None,
    ) -> None:
        """Report, ``--jsonl`` line, then the article's rows in one transaction; then the
        reports of earlier-stored copies whose near-duplicate records it changed.

        ``quotes``: its linked quotes as judged at their pages. ``signed``: ``minhash`` is the
        article's signature, computed by the worker.
        """
        from auditor.report.render import write_report  # Jinja2 only where reports are written

        article, near = self.near.prepare(article, minhash if signed else signature(article.text))
        checks = tuple(checked[k] for k in web_keys(article) if k in checked)
        if self.opts.check.offline and quotes:
            from auditor.quotes.lookup import with_last_verdicts

            quotes = with_last_verdicts(quotes, self.store.last_quotes(article.source))
        audit = Audit(article=article, checks=checks, quotes=quotes, run_id=self.run_id, run=self.run)
        try:
            report = write_report(audit, self.opts.out_dir)
        except OSError:
            raise  # a full disk is the batch's problem, not this article's
        except Exception as exc:  # a report bug on one odd article: recorded, not committed
            self.failed(
                article.source,
                one_line(article.source, f"cannot write its report ({type(exc).__name__}: {exc})"),
            )
            return
        self._write_jsonl(audit)
        self.store.save_audit(audit, self.run_id, near, report=report)
        self.stats.audited += 1
        self.stats.links += len(article.links)
        self.progress(self.stats, Event.ARTICLE, article.source)
        for source, _ in near.near:
            self.rewrite_report(source)

    def rewrite_report(self, source: str) -> None:
        """A stored article's report again, its near-duplicate records having changed."""
        from auditor.report.render import write_report

        audit = self.store.audit_of(source)
        if audit is not None:
            write_report(audit, self.opts.out_dir)

    def _write_jsonl(self, audit: Audit) -> None:
        if self.opts.jsonl is None:
            return
        from auditor.cli.jsonout import article_json

        if self.jsonl is None:
            self.opts.jsonl.parent.mkdir(parents=True, exist_ok=True)
            self.jsonl = self.opts.jsonl.open("a", encoding="utf-8")
        line = article_json(audit.article, audit.checks, audit.quotes)
        self.jsonl.write(json.dumps(line, ensure_ascii=False) + "\n")
        self.jsonl.flush()

    def close(self) -> None:
        if self.jsonl is not None:
            self.jsonl.close()


def web_keys(article: Article) -> list[str]:
    """The check keys of an article's web links, as the store and the report look them up."""
    return list(dict.fromkeys(check_key(lk.url) for lk in article.links if lk.kind is LinkKind.WEB))


def wanted(articles: Sequence[Article]) -> tuple[list[str], dict[str, str]]:
    """The distinct check keys of some articles, and the publication date to look each up by."""
    keys = list(dict.fromkeys(k for a in articles for k in web_keys(a)))
    published = {k: a.metadata.published for a in articles if a.metadata.published for k in web_keys(a)}
    return keys, published


def quote_targets_of(articles: Sequence[Article], quotes: bool) -> list[list[Target]]:
    """Each article's linked quotes (none with --no-quotes), picked once per chunk for the
    check (their pages are wanted) and the judging alike, whichever engine runs it."""
    if not quotes:
        return [[] for _ in articles]
    from auditor.quotes.targets import quote_targets

    return [quote_targets(a) for a in articles]


def by_key(keys: Sequence[str], results: Iterable[CheckResult]) -> dict[str, CheckResult]:
    """Each key's result, though the checker files it under its own (once more normalised) key."""
    from auditor.check.checker import key_of

    found = {r.url: r for r in results}
    checked = {}
    for key in keys:
        result = found.get(key_of(key)[0])
        if result is not None:
            checked[key] = result if result.url == key else replace(result, url=key)
    return checked
