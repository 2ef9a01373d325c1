"""Look each linked quote up at its page, through the run's check session.

The page is the one the checker already read: a key whose quote is wanted is checked with
GET under the larger ``quote_max_body`` cap and its final answer kept (see
:meth:`CheckSession.want_pages`), so checking quotes costs no request for those pages. A
page the session cannot give back (answered from the cache, or checked before it was
wanted) is fetched once more with the same guard, redirects and cassettes. A dead or
soft-404 link with an archived copy is looked up in that copy (its original bytes, the
Wayback ``id_`` form, without the archive's toolbar).

The page is read with our own parser, not as raw HTML: the quote is looked for in the
page's main text first, then in the rest of its text (a quote in a pull-quote box or a
caption is still on the page, and says so).
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from auditor.check.checker import CheckSession
from auditor.check.client import Answer, FetchError
from auditor.check.gate import HostTooSlow
from auditor.check.guard import Refused
from auditor.models import (
    OFFLINE_REASON,
    Article,
    CheckResult,
    Format,
    QuoteCheck,
    QuoteVerdict,
    Region,
    Status,
)
from auditor.quotes.match import Tokens, find_quote, tokens
from auditor.quotes.targets import Target, quote_targets

_TEXT_TYPES = {"": Format.HTML, "text/html": Format.HTML, "application/xhtml+xml": Format.HTML,
               "text/plain": Format.TEXT, "text/markdown": Format.MARKDOWN}  # fmt: skip
_READABLE = frozenset({Status.OK, Status.REDIRECTED})
_ARCHIVED = frozenset({Status.DEAD, Status.SOFT_404})
_WAYBACK = re.compile(r"^(https://web\.archive\.org/web/\d{1,14})(?:[a-z]{2}_)?/", re.I)


@dataclass(slots=True)
class PageText:
    """What a quote is looked for in: the page's main text, the rest, and where it was read.

    Kept as text (a run remembers many pages); the words are cut once per article that
    quotes the page (:meth:`words`) and let go after it (:meth:`forget`).
    """

    main_text: str
    rest_text: str
    url: str
    truncated: bool
    archived: bool
    _words: tuple[Tokens, Tokens] | None = None

    def words(self) -> tuple[Tokens, Tokens]:
        words = self._words  # read once: a Dask worker's threads may forget() in between
        if words is None:
            words = self._words = (tokens(self.main_text), tokens(self.rest_text))
        return words

    def forget(self) -> None:
        self._words = None

    @property
    def size(self) -> int:
        return len(self.main_text) + len(self.rest_text)


def page_text(answer: Answer, url: str, *, archived: bool = False) -> PageText | str:
    """The page's text read by our parser, or why it cannot be read (a one-line reason)."""
    from auditor.load import load_bytes
    from auditor.parse import parse_document

    if answer.status != 200:
        return f"the page answered HTTP {answer.status}"
    fmt = _TEXT_TYPES.get(answer.content_type)
    if fmt is None:
        return f"not a text page ({answer.content_type})"
    doc = parse_document(load_bytes(answer.body, url, url=url, fmt=fmt))
    main = "\n".join(b.text for b in doc.blocks if b.region is Region.BODY)
    rest = "\n".join([doc.meta.title or ""] + [b.text for b in doc.blocks if b.region is not Region.BODY])
    return PageText(main, rest, url, answer.truncated, archived)


def archived_copy(archive_url: str) -> str:
    """The Wayback URL that serves the page's original bytes (``…/web/<time>id_/<url>``)."""
    return _WAYBACK.sub(r"\1id_/", archive_url.replace("http://web.archive.org/", "https://web.archive.org/"))


def judge(target: Target, page: PageText | str, cap: int) -> QuoteCheck:
    """The verdict for one quote against its page (or the reason there is no page)."""
    base = QuoteCheck(
        quote=target.quote, url=target.key, verdict=QuoteVerdict.UNAVAILABLE,
        attribution=target.attribution, source=target.source,
    )  # fmt: skip
    if isinstance(page, str):
        return replace(base, reason=page)
    main, rest = page.words()
    where, match = "in its main text", find_quote(target.quote, main)
    if match.verdict is not QuoteVerdict.FOUND and rest.words:
        other = find_quote(target.quote, rest)
        if other.similarity > match.similarity:
            where, match = "on the page, outside its main text", other
    copy = " (archived copy)" if page.archived else ""
    found = replace(base, page_url=page.url, archived=page.archived)
    if match.verdict is QuoteVerdict.NOT_FOUND and page.truncated:
        return replace(found, reason=f"the page is over the {cap:,}-byte cap, and not in the part read")
    if match.verdict is QuoteVerdict.NOT_FOUND:
        where = "the page says something else" if match.passage else "the page does not hold these words"
    return replace(
        found, verdict=match.verdict, similarity=match.similarity, differences=match.differences,
        passage=match.passage, reason=where + copy,
    )  # fmt: skip


class PageMemo:
    """The pages a run has read for quotes, by check key: the last of them, up to ``chars``
    characters of text in all, and those being read. A page many articles quote (a batch's
    popular sources) is fetched and parsed once, however many chunks cite it."""

    def __init__(self, chars: int = 8_000_000) -> None:
        self.chars, self._held = chars, 0
        self._done: OrderedDict[str, PageText | str] = OrderedDict()
        self._reading: dict[str, asyncio.Future[PageText | str]] = {}

    async def get(self, key: str, read: Callable[[], Awaitable[PageText | str]]) -> PageText | str:
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        if key in self._reading:
            return await asyncio.shield(self._reading[key])
        future = asyncio.ensure_future(read())
        self._reading[key] = future
        try:
            page = await asyncio.shield(future)
        finally:
            self._reading.pop(key, None)
        self._done[key] = page
        self._held += page.size if isinstance(page, PageText) else len(page)
        while self._held > self.chars and len(self._done) > 1:
            _key, old = self._done.popitem(last=False)
            self._held -= old.size if isinstance(old, PageText) else len(old)
        return page


async def check_quotes(
    session: CheckSession, article: Article, checks: Mapping[str, CheckResult], memo: PageMemo | None = None,
    *, targets: Sequence[Target] | None = None,
) -> tuple[QuoteCheck, ...]:  # fmt: skip
    """Every linked quote of ``article`` judged against its page; ``checks`` by check key;
    ``targets`` when the caller already picked them (to want their pages before the check)."""
    targets = quote_targets(article) if targets is None else targets
    if not targets:
        return ()
    memo = memo or PageMemo()
    keys = list(dict.fromkeys(t.key for t in targets))
    pages = await asyncio.gather(
        *(memo.get(key, functools.partial(page_of, session, key, checks.get(key))) for key in keys)
    )
    by_key = dict(zip(keys, pages, strict=True))
    cap = session.options.quote_max_body
    judged = tuple(judge(t, by_key[t.key], cap) for t in targets)
    for page in by_key.values():  # no await since the words were cut: no other article shares them
        if isinstance(page, PageText):
            page.forget()
    return judged


def with_last_verdicts(quotes: Sequence[QuoteCheck], earlier: Sequence[QuoteCheck]) -> tuple[QuoteCheck, ...]:
    """An offline run's quotes, each "not fetched" one answered by an earlier run's verdict
    for the same words at the same link (with its date), as its links show their last checks."""
    last = {(q.quote, q.url): q for q in earlier}
    out = []
    for q in quotes:
        old = last.get((q.quote, q.url)) if q.reason == OFFLINE_REASON else None
        out.append(replace(old, attribution=q.attribution, source=q.source) if old else q)
    return tuple(out)


async def page_of(session: CheckSession, key: str, check: CheckResult | None) -> PageText | str:
    """The page a quote linked at ``key`` is looked up in, given its link's check: the check's
    own read when the session kept it, the archived copy for a dead link, else one GET; or
    why there is no page. (A Dask worker calls it for the hosts it owns.)"""
    if session.options.offline:  # a check may be the last real one, from the database; no page
        return OFFLINE_REASON
    if check is None:
        session.take_page(key)
        return "the link was not checked"
    kept = session.take_page(key)
    if check.status in _ARCHIVED:
        if not check.archive_url:
            return f"the link is {check.status.value} ({check.reason}) and no archived copy was found"
        return await _fetch(session, archived_copy(check.archive_url), archived=True)
    if check.status is Status.UNCHECKED:
        return f"not fetched ({check.reason})"
    if check.status not in _READABLE:
        why = check.reason
        return f"the link is {check.status.value}" + (f" ({why})" if why else "")
    if kept is not None and not (kept[0].truncated and len(kept[0].body) < session.options.quote_max_body):
        answer, url = kept  # the check's own read (a page cut at the checker's cap is read again)
        return await asyncio.to_thread(page_text, answer, url)
    return await _fetch(session, key, archived=False)


async def _fetch(session: CheckSession, url: str, *, archived: bool) -> PageText | str:
    """One more GET for a page the session did not keep (the archived copy included)."""
    what = "the archived copy" if archived else "the page"
    try:
        ended = await session.fetch_page(url, for_quotes=True)
    except (Refused, HostTooSlow) as exc:
        return f"{what} was not fetched ({exc})"
    except FetchError as exc:
        return f"{what} could not be fetched ({'not in cassette' if exc.kind == 'not-in-cassette' else exc.kind})"
    if isinstance(ended, CheckResult):
        return f"{what} could not be read ({ended.status.value}: {ended.reason})"
    answer, final = ended
    return await asyncio.to_thread(page_text, answer, final, archived=archived)
