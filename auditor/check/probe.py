"""Ask the site: how does it answer a path that cannot exist? Soft 404s by comparison.

No rule over one page's text finds every not-found page (a script shell with no text, a page
whose title is only the brand, a layout in a language no list covers). The site itself can
tell: request a path in the same section that cannot exist, and compare (Bar-Yossef et al.,
"Sic transit gloria telae", WWW 2004). A site that answers the impossible path with 200 and
the same page as the link is showing its not-found page for the link too; a site that
answers it with a real 404 serves a 200 only for pages that are there.

One probe stands for a *section* of a site and a *shape* of path: the scheme, host and port,
the first path segment, and the kind of the last segment (a number or a slug; its extension;
a trailing slash), or for links that select their page by query (``?id=123``,
``?p=5``) the path and those parameters. The probe path keeps that shape, so a router that
only accepts numbers sees a number, and is derived from the key alone (a keyed hash), so the
same site is asked the same question in every run and a cassette can hold the answer. Middle
segments are dropped: a probe per dated folder (``/2024/05/21/``) would cost one request per
article on news sites. A link to the home page itself is never probed.

Pages are compared on their main text, title and redirects: word 3-shingles of the
normalised text (lower case, digits as 0, the page's own path cut out wherever it is echoed,
as not-found pages often do), kept as a bottom-k sketch so a probe stored in the
database can be compared with pages of a later run without its text.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import re
import zlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from auditor.check import softpage
from auditor.check.client import Answer
from auditor.check.status import home_path
from auditor.classify.registrable import domain_of
from auditor.models import SiteProbe

SKETCH = 128  # smallest shingle hashes kept per page: Jaccard within about ±0.04 at 0.9
SAME = 0.95  # text this similar is the same page, whatever the titles
SAME_TITLED = 0.8  # this similar with the same title is the same page
MIN_SHINGLES = 3  # less text than this on both pages: nothing to compare (a script shell)
_SALT = b"auditor-probe-1"
_ID_PARAMS = frozenset(
    "id p pid page_id post postid post_id story storyid story_id article articleid article_id aid nid sid"
    " cid newsid news_id item itemid item_id doc docid doc_id entry entryid content_id contentid v".split()
)
_EXT = re.compile(r"^(.+?)(\.[a-z0-9]{1,5})$", re.I)
_WALL = re.compile(
    r"(?:^|/)(?:log-?in|sign-?in|auth|sso|account|consent|cookies?|gdpr|subscribe|paywall)\b", re.I
)
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")
_DIGITS = re.compile(r"\d")
NOT_FOUND_CODES = frozenset({400, 404, 410})  # what a site says of a path it does not have


def _kind(stem: str) -> str:
    """A number (a router may accept only digits there) or anything else, a slug."""
    return "num" if stem.isdigit() else "slug"


def probe_key(url: str) -> str | None:
    """The template of the probe that stands for ``url`` (its section and shape), or None
    for a home page. Placeholders ``{num}`` and ``{slug}`` mark the random parts."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    path = parts.path or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    if any(k.lower() in _ID_PARAMS and v for k, v in query):  # the page is chosen by its query:
        template = [(k, "{" + _kind(v) + "}" if k.lower() in _ID_PARAMS and v else v) for k, v in query]
        return f"{origin}{path}?" + urlencode(sorted(template), safe="{}")  # keep the rest
    if home_path(path):
        return None
    segments = [s for s in path.split("/") if s]
    last = segments[-1]
    match = _EXT.match(last)
    stem, ext = (match.group(1), match.group(2).lower()) if match else (last, "")
    section = f"/{segments[0]}/" if len(segments) > 1 else "/"
    return f"{origin}{section}{{{_kind(stem)}}}{ext}{'/' if path.endswith('/') else ''}"


def probe_url(key: str) -> str:
    """The path that cannot exist for ``key``: its placeholders filled from a hash of the key,
    so every run asks the same question (and a cassette can answer it)."""
    seed = hashlib.blake2b(key.encode(), digest_size=32, key=_SALT).digest()
    letters = "".join("bcdfghjklmnpqrstvwxz"[b % 20] for b in seed[:18])
    digits = str(int.from_bytes(seed[18:26], "big") % 900_000_000 + 100_000_000)
    return key.replace("{num}", digits).replace("{slug}", f"{letters[:5]}-{letters[5:11]}-{letters[11:18]}")


# ----------------------------------------------------------------------------- pages


@dataclass(frozen=True, slots=True)
class Print:
    """What two pages are compared on."""

    title: str
    size: int
    shingles: int
    sketch: tuple[int, ...]
    article: bool


def _normal(text: str) -> list[str]:
    return _TOKEN.findall(_DIGITS.sub("0", text.lower()))


def _echoes(url: str) -> list[str]:
    """How a page may echo the URL it was asked for ("/news/some-slug was not found"): the
    path, its last segment, and that segment as words; longest first, lower case."""
    parts = urlsplit(url)
    path = unquote(parts.path).lower()
    last = path.rstrip("/").rsplit("/", 1)[-1]
    stem = _EXT.sub(r"\1", last)
    found = {
        path,
        last,
        stem,
        re.sub(r"[-_+.]+", " ", stem),
        *(v.lower() for _k, v in parse_qsl(parts.query)),
    }
    return sorted((e for e in found if len(e) >= 3), key=len, reverse=True)


def _unechoed(text: str, url: str) -> str:
    low = text.lower()
    for echo in _echoes(url):
        low = low.replace(echo, " ")
    return low


def sketch_of(text: str) -> tuple[int, tuple[int, ...]]:
    """(distinct shingles, the ``SKETCH`` smallest of their hashes) of a text's word 3-shingles.

    CRC-32 of each shingle's bytes: stable across runs and machines (a sketch is stored and
    compared later), and cheap enough to hash every shingle of every compared page.
    """
    words = [w.encode() for w in _normal(text)]
    if len(words) < 3:
        shingles = {zlib.crc32(b" ".join(words))} if words else set()
    else:
        shingles = {zlib.crc32(b" ".join(words[i : i + 3])) for i in range(len(words) - 2)}
    return len(shingles), tuple(heapq.nsmallest(SKETCH, shingles))


_Q = "[\"']?"
_ARTICLE_META = re.compile(
    rf"<meta\b[^>]*?(?:property\s*=\s*{_Q}(?:og:type{_Q}[^>]*?content\s*=\s*{_Q}[^\"'>]*(?:article|-)"
    rf"|article:published_time{_Q}[^>]*?content\s*=\s*{_Q}[^\"'>]*-)"
    rf"|content\s*=\s*{_Q}[^\"'>]*(?:article|-)[^>]*?property\s*=\s*{_Q}og:type)",
    re.I,
)


def marked_article(html: str) -> bool:
    """Whether the page's meta tags mark it as an article (``og:type``, a published time) as
    ``softpage.parse_page``'s ``is_article`` reads them, found without parsing the page. (A
    tag written inside a script's text counts here, not for the parser: the page is then
    taken for an article and left to the content rules, the side that calls nothing gone.)"""
    return _ARTICLE_META.search(html) is not None


def print_of(answer: Answer, url: str) -> Print | None:
    """The comparable print of a 2xx page fetched from ``url``, or None when it has no body."""
    if not answer.body:
        return None
    page = softpage.parse_page(answer.text())
    if page is None:
        return None
    title = " ".join(_normal(_unechoed(page.title, url)))
    count, sketch = sketch_of(_unechoed(page.main, url))
    return Print(title=title, size=len(page.main), shingles=count, sketch=sketch, article=page.is_article)


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """Jaccard similarity estimated from two bottom-k sketches (exact when both sets are small)."""
    if not a and not b:
        return 1.0
    union = sorted(set(a) | set(b))[:SKETCH]
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


def site_probe(
    key: str, url: str, answer: Answer, final: str, redirects: int, checked_at: str
) -> SiteProbe | None:
    """What the probe's answer says of the site, or None when it says nothing (a server
    error, a refusal, a rate limit): then the content rules decide alone."""
    code = answer.status
    if code in NOT_FOUND_CODES or (400 <= code < 500 and code not in (401, 403, 407, 408, 429, 451)):
        return SiteProbe(
            key=key, url=url, status=code, final_url=final, redirects=redirects, checked_at=checked_at
        )
    if not 200 <= code < 300:
        return None
    found = print_of(answer, url)
    return SiteProbe(
        key=key, url=url, status=code, final_url=final, redirects=redirects, checked_at=checked_at,
        title=found.title if found else "", size=found.size if found else 0,
        shingles=found.shingles if found else 0, sketch=found.sketch if found else (),
        article=found.article if found else False,
    )  # fmt: skip


# ----------------------------------------------------------------------------- verdict


@dataclass(frozen=True, slots=True)
class SiteSays:
    """The probe's verdict on one link's page: ``same`` (a soft 404), ``not-found`` (the site
    answers unknown paths with a real 404, so a 200 is the page), ``other`` (the site answers
    with a different page: the content rules decide), or ``unknown``."""

    kind: str
    evidence: str = ""


def _place(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}".lower().rstrip("/")


def compare(link: str, final: str, answer: Answer, redirects: int, probe: SiteProbe) -> SiteSays:
    """How the link's final answer compares with the site's answer to an impossible path."""
    if probe.status in NOT_FOUND_CODES or 400 <= probe.status < 500:
        return SiteSays("not-found", f"the site answers a random path with HTTP {probe.status}")
    here, there = urlsplit(final), urlsplit(probe.final_url)
    if _WALL.search(here.path) or _WALL.search(there.path):
        return SiteSays("unknown", "both end on a sign-in or consent page")
    same_place = _place(final) == _place(probe.final_url) and (redirects or probe.redirects)
    if same_place:
        if domain_of(final) != domain_of(link) and not home_path(here.path):
            return SiteSays("unknown", "every path leads to the same page on another site")
        return SiteSays("same", f"the site sends a random path to the same place ({final})")
    if probe.redirects and not redirects and home_path(there.path) and not home_path(here.path):
        # The site tells the paths it has from those it has not: no page to compare (and no
        # parse of this one, which most pages of such a site would otherwise cost).
        return SiteSays("other", f"the site sends a random path to its home page ({probe.final_url})")
    if not probe.article and answer.body and marked_article(answer.text()):
        return SiteSays("other", "an article, where the site's answer to a random path is not one")
    page = print_of(answer, link)
    if page is None:
        return SiteSays("unknown")
    if page.shingles < MIN_SHINGLES and probe.shingles < MIN_SHINGLES:
        return SiteSays("unknown", "too little text on either page to compare")
    score = similarity(page.sketch, probe.sketch)
    titled = bool(page.title) and page.title == probe.title
    if score >= SAME or (titled and score >= SAME_TITLED):
        if page.article and not probe.article:
            return SiteSays("other", "an article, though much like the site's answer to a random path")
        same = "same title, " if titled else ""
        return SiteSays(
            "same", f"the site answers a random path with the same page ({same}{score * 100:.0f} % similar)"
        )
    return SiteSays(
        "other", f"the site answers a random path with another page ({score * 100:.0f} % similar)"
    )


# ----------------------------------------------------------------------------- per run


class ProbeCache(Protocol):
    """What the store offers: a fresh probe by key, and a place to keep one."""

    def get(self, key: str) -> SiteProbe | None: ...
    def put(self, probe: SiteProbe) -> None: ...


Send = Callable[[str, str], Awaitable[SiteProbe | None]]  # (key, probe URL) -> what the site said


class SiteProbes:
    """Each probe asked once per run: shared while in flight, then kept (a bounded number in
    memory, every conclusive one in the database when there is one, so a batch, and the
    batches after it, pay one request per site section). A probe that said nothing (an error,
    a refusal) is not asked again in the run, and never stored."""

    LIMIT = 20_000

    def __init__(self, send: Send, cache: ProbeCache | None = None, *, read: bool = True) -> None:
        self._send = send
        self._cache = cache
        self._read = read
        self._known: OrderedDict[str, asyncio.Future[SiteProbe | None]] = OrderedDict()
        self.sent = 0  # probes this run asked the network

    async def ask(self, key: str) -> SiteProbe | None:
        found = self._known.get(key)
        if found is None:
            stored = self._cache.get(key) if self._cache is not None and self._read else None
            if stored is not None:
                found = asyncio.get_running_loop().create_future()
                found.set_result(stored)
            else:
                found = asyncio.ensure_future(self._probe(key))
            self._known[key] = found
            while len(self._known) > self.LIMIT and next(iter(self._known.values())).done():
                self._known.popitem(last=False)
        else:
            self._known.move_to_end(key)
        return found.result() if found.done() else await asyncio.shield(found)

    async def _probe(self, key: str) -> SiteProbe | None:
        self.sent += 1
        said = await self._send(key, probe_url(key))
        if said is not None and self._cache is not None:
            self._cache.put(said)
        return said

    async def close(self) -> None:
        """Cancel probes still in flight (the run is ending)."""
        pending = [f for f in self._known.values() if not f.done()]
        for future in pending:
            future.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
