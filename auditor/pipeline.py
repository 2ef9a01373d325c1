"""The pipeline: load -> parse -> extract -> check -> classify. What the CLI and tests call.

Each step is a plain function over the records of ``auditor.models``, so that a batch can hand
one article (or one URL check) to another worker without rewriting a stage.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from auditor import __version__
from auditor.budget import check_links, within
from auditor.classify.domains import DomainTable, default_table
from auditor.errors import AuditorError, InputError
from auditor.extract.attributions import extract_attributions
from auditor.extract.crossposts import extract_crossposts
from auditor.extract.links import extract_links
from auditor.extract.metadata import extract_metadata
from auditor.load import DEFAULT_MAX_BYTES, content_hash, load_path
from auditor.models import (
    Article,
    Attribution,
    Audit,
    Budget,
    CheckOptions,
    DomainInfo,
    Link,
    LinkKind,
    QuoteCheck,
    RawArticle,
    Region,
)
from auditor.outputs import prepare_dir
from auditor.parse import parse_document
from auditor.urls import check_key

if TYPE_CHECKING:  # the checker (and httpx) only when something is checked
    from auditor.check.checker import ResultCache
    from auditor.check.probe import ProbeCache
    from auditor.store import Store


def extract_raw(raw: RawArticle, *, base_url: str | None = None, table: DomainTable | None = None) -> Article:
    """Everything we can learn from the article itself, with no network."""
    table = table or default_table()
    doc = parse_document(raw)
    metadata = extract_metadata(doc, base_url, table.outlet, table.info)
    links = extract_links(doc, base_url)
    article = Article(
        source=raw.source,
        format=raw.format,
        metadata=metadata,
        links=links,
        crossposts=extract_crossposts(doc, metadata, links, table.outlet, table.info),
        attributions=extract_attributions(doc, links, metadata, table.outlet),
        content_hash=content_hash(raw.text),
        text="\n".join(b.text for b in doc.blocks if b.region is Region.BODY),
    )
    return classify_article(article, table)


def extract_path(
    path: str | Path,
    *,
    base_url: str | None = None,
    table: DomainTable | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: Budget | None = None,
) -> Article:
    """Load and extract one file; with ``budget``, an article costing more raises ``OverBudget``."""
    raw = load_path(path, max_bytes=max_bytes)
    with within(budget, raw.source):
        return check_links(extract_raw(raw, base_url=base_url, table=table), budget)


def classify_article(article: Article, table: DomainTable) -> Article:
    """Give every web link and every outlet a category; links back to the outlet are ``self``."""
    own = article.metadata.outlet_domain

    def link(lk: Link) -> Link:
        if lk.kind is not LinkKind.WEB or lk.domain is None:
            return lk
        return replace(lk, category=table.categorise(lk.url, self_domain=own))

    def attribution(at: Attribution) -> Attribution:
        if at.outlet_domain and at.outlet_category is None:
            return replace(at, outlet_category=table.categorise(at.outlet_domain))
        return at

    classified = replace(
        article,
        links=tuple(link(lk) for lk in article.links),
        attributions=tuple(attribution(a) for a in article.attributions),
    )
    return replace(classified, domains=describe_domains(classified, table))


def describe_domains(article: Article, table: DomainTable) -> tuple[DomainInfo, ...]:
    """What the tables say of each domain the article names, sorted by domain."""
    named = {lk.domain for lk in article.links if lk.kind is LinkKind.WEB and lk.domain}
    named |= {a.outlet_domain for a in article.attributions if a.outlet_domain}
    named |= {c.outlet_domain for c in article.crossposts if c.outlet_domain}
    named.add(article.metadata.outlet_domain or "")
    found = (table.describe(d) for d in sorted(named - {""}))
    return tuple(info for info in found if info is not None)


def _check_inputs(article: Article) -> tuple[list[str], dict[str, str]]:
    urls = [lk.url for lk in article.links if lk.kind is LinkKind.WEB]
    published = article.metadata.published
    return urls, ({check_key(u): published for u in urls} if published else {})


def check_article(
    article: Article,
    options: CheckOptions,
    *,
    cache: ResultCache | None = None,
    probes: ProbeCache | None = None,
) -> Audit:
    """Check every distinct web URL of one article (each once) and pair the results with it,
    then look each linked quote up at its page (unless ``options.quotes`` is off); ``cache``
    answers for URLs checked lately, ``probes`` for sites asked lately."""
    from auditor.check.checker import run_sync

    urls, published = _check_inputs(article)
    if not urls:
        return Audit(article=article)
    return run_sync(_check_and_quote(article, urls, published, options, cache, probes))


async def _check_and_quote(
    article: Article, urls: list[str], published: dict[str, str], options: CheckOptions,
    cache: ResultCache | None, probes: ProbeCache | None,
) -> Audit:  # fmt: skip
    from auditor.check.checker import CheckSession

    async with CheckSession(options, cache=cache, probes=probes) as session:
        targets = []
        if options.quotes:
            from auditor.quotes.targets import quote_targets

            targets = quote_targets(article)
            if targets:
                session.want_pages(t.key for t in targets)  # their check is the page's one request
        checks = await session.check(urls, published=published)
        quotes: tuple[QuoteCheck, ...] = ()
        if targets and not session.network_down:
            from auditor.quotes.lookup import check_quotes

            quotes = await check_quotes(session, article, {c.url: c for c in checks}, targets=targets)
        return Audit(article=article, checks=tuple(checks), quotes=quotes, network_down=session.network_down)


def load_source(source: str, options: CheckOptions, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """A path, or an http(s) URL fetched with the checker's client (guard, caps, cassettes)."""
    if source.lower().startswith(("http://", "https://")):
        from auditor.check.page import fetch_article

        return fetch_article(source, options, max_bytes=max_bytes)
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
        raise InputError(f"{source}: only http(s) URLs can be fetched; save the page and audit the file")
    return load_path(source, max_bytes=max_bytes)


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditOutcome:
    audit: Audit
    report: Path
    db: Path
    verdict: str = ""  # the report's verdict sentence
    index_note: str = ""  # what became of an index.html in the reports folder, if there is one


# An index re-rendered after one audit reads every stored article (streamed, so in little
# memory, but in time); past this many, say how to rebuild it instead of making one audit
# take minutes.
INDEX_REFRESH_MAX = 2000


def audit(
    source: str,
    options: CheckOptions,
    *,
    out_dir: Path = Path("reports"),
    db_path: Path = Path("reports/audit.db"),
    base_url: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    budget: Budget | None = None,
) -> AuditOutcome:
    """The whole pipeline for one article: load, extract, check, store, report."""
    from auditor.report.render import write_report
    from auditor.store import CheckCache, ProbeCache, Store

    prepare_dir(out_dir)
    table = DomainTable.load(options.domains_file) if options.domains_file else default_table()
    raw = load_source(source, options, max_bytes=max_bytes)
    with within(budget, source):
        article = check_links(extract_raw(raw, base_url=base_url or raw.url, table=table), budget)
    store = Store.open(db_path)
    run_id: int | None = None
    try:
        run_id = store.start_run("audit", {"source": source, **asdict(options)}, __version__)
        cache = CheckCache.for_run(store, run_id, options)
        result = check_article(article, options, cache=cache, probes=ProbeCache(store))
        result = replace(result, run_id=run_id, run=store.run_info(run_id))
        if options.offline and result.quotes:
            from auditor.quotes.lookup import with_last_verdicts

            result = replace(
                result, quotes=with_last_verdicts(result.quotes, store.last_quotes(article.source))
            )
        report = write_report(result, out_dir)
        store.save_audit(result, run_id, report=report)
        store.finish_run(run_id, {"articles": 1, "links": len(article.links), "urls": len(result.checks)})
    except BaseException as exc:
        if run_id is not None:  # an interrupted run says so; its article was not kept
            with suppress(AuditorError):
                store.finish_run(
                    run_id, {}, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
                )
        raise
    else:  # the article is kept whatever becomes of the index
        note = refresh_index(store, out_dir)
    finally:
        store.close()
    return AuditOutcome(audit=result, report=report, db=db_path, verdict=sentence_of(result), index_note=note)


def sentence_of(audit: Audit) -> str:
    from auditor.report import views
    from auditor.report.sentence import verdict_sentence

    return verdict_sentence(audit, views.verdict(audit, views.link_rows(audit)))


def refresh_index(store: Store, out_dir: Path) -> str:
    """Bring ``out_dir/index.html`` up to date when there is one; one line saying what was done."""
    from auditor.report.render import write_corpus_index

    index = out_dir / "index.html"
    if not index.exists():
        return ""
    stored = store.article_count()
    if stored > INDEX_REFRESH_MAX:
        return f"index: {index} not updated ({stored} articles); `auditor report` rebuilds it"
    try:
        write_corpus_index(store, out_dir)  # streamed and paged, as a batch writes it
    except (AuditorError, OSError) as exc:
        return f"index: {index} not updated ({exc}); `auditor report` rebuilds it"
    return f"index: {index} (updated)"
