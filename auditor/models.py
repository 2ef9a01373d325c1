"""The records that pass between the pipeline's stages.

Every stage takes and returns these frozen, slotted dataclasses, so that a stage can be
tested (and later distributed) on its own: nothing here knows about HTTP, SQL or the
terminal. This module imports nothing else of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Format(StrEnum):
    HTML = "html"
    MARKDOWN = "markdown"
    TEXT = "text"


class Region(StrEnum):
    """Where on the page a block sits; only ``body`` is what the author wrote."""

    BODY = "body"
    BYLINE = "byline"
    NAV = "nav"
    HEADER = "header"
    FOOTER = "footer"
    SIDEBAR = "sidebar"
    SHARE = "share"
    RELATED = "related"
    COMMENTS = "comments"
    META = "meta"
    MEDIA = "media"  # galleries, slideshows, video players and their chrome
    HIDDEN = "hidden"  # not shown to readers (display:none, hidden, off-screen)


class LinkKind(StrEnum):
    WEB = "web"
    PLACEHOLDER = "placeholder"
    FRAGMENT = "fragment"
    MAILTO = "mailto"
    TEL = "tel"
    RELATIVE = "relative"
    MALFORMED = "malformed"
    OTHER = "other"  # a scheme that is not the web's: apps (whatsapp:, fb-messenger:), ftp:, feeds


class Status(StrEnum):
    """The final outcome of checking one URL; the redirect chain is kept beside it."""

    OK = "ok"
    REDIRECTED = "redirected"
    DEAD = "dead"
    SOFT_404 = "soft-404"
    PARKED = "parked"
    BLOCKED = "blocked"
    SERVER_ERROR = "server-error"
    TIMEOUT = "timeout"
    DNS_ERROR = "dns-error"
    CONNECTION_ERROR = "connection-error"
    TLS_ERROR = "tls-error"
    TOO_MANY_REDIRECTS = "too-many-redirects"
    INVALID_URL = "invalid-url"
    UNCHECKED = "unchecked"


BROKEN_STATUSES = frozenset(
    {
        Status.DEAD,
        Status.SOFT_404,
        Status.PARKED,
        Status.SERVER_ERROR,
        Status.TIMEOUT,
        Status.DNS_ERROR,
        Status.CONNECTION_ERROR,
        Status.TLS_ERROR,
        Status.TOO_MANY_REDIRECTS,
        Status.INVALID_URL,
    }
)
# Outcomes a later run must find out afresh, never served from a cache: passing network
# trouble (a name that did not resolve, a refused or timed-out connection), and no answer at all.
UNCACHED_STATUSES = frozenset(
    {Status.UNCHECKED, Status.INVALID_URL, Status.TIMEOUT, Status.CONNECTION_ERROR, Status.DNS_ERROR}
)


class Category(StrEnum):
    NEWS = "news"
    STATE_MEDIA = "state-media"
    GOVERNMENT = "government"
    INTERGOVERNMENTAL = "intergovernmental"
    ACADEMIC = "academic"
    THINK_TANK = "think-tank"
    REFERENCE = "reference"
    SOCIAL = "social"
    VIDEO = "video"
    BLOG_PLATFORM = "blog-platform"
    ARCHIVE = "archive"
    SHORTENER = "shortener"
    WIRE = "wire"
    FACT_CHECK = "fact-check"
    PRESS_RELEASE = "press-release"
    SELF = "self"
    OTHER = "other"


class CrossPostMethod(StrEnum):
    DECLARED = "declared"
    DATELINE = "dateline"
    COPYRIGHT = "copyright"
    CANONICAL = "canonical"
    NEAR_DUPLICATE = "near-duplicate"


class SourceKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    OUTLET = "outlet"
    DOCUMENT = "document"
    ANONYMOUS = "anonymous"  # unnamed or generic: "a senior official", "experts"; the role as written


class QuoteVerdict(StrEnum):
    """Whether the page a quote links to says it: the four answers a fact-checker needs."""

    FOUND = "found"  # word for word, after case, quotation marks, dashes and spacing
    FOUND_EDITED = "found-edited"  # close enough to be the same passage; the differences are kept
    NOT_FOUND = "not-found"  # the page was read and does not hold it
    UNAVAILABLE = "unavailable"  # no page to read: dead, blocked, not text, not fetched


# --------------------------------------------------------------------------- load / parse


@dataclass(frozen=True, slots=True, kw_only=True)
class RawArticle:
    """An article's decoded text, before parsing. ``url`` is where it was fetched from."""

    source: str
    format: Format
    text: str
    encoding: str
    size: int
    url: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Anchor:
    """A link inside a block; ``start``/``end`` index the anchor text in ``Block.text``."""

    href: str
    text: str
    start: int
    end: int
    rel: str = ""  # the link's rel attribute, lower case ("tag", "category tag", "author")


@dataclass(frozen=True, slots=True, kw_only=True)
class Block:
    """One unit of text in reading order (paragraph, heading, list item, quote, cell...).

    ``tag`` is the element it came from (``p``, ``h1``, ``li``, ``blockquote``...), kept so
    that extractors can tell headings and quotes from prose.
    """

    text: str
    region: Region
    tag: str = "p"
    anchors: tuple[Anchor, ...] = ()


class Place(StrEnum):
    """Where a visible headline, byline or date sits: the article body container, the
    article around it (its header, its ``<article>``), or elsewhere on the page (not in
    furniture: cues inside related rails, comments, sidebars, menus and footers are dropped)."""

    MAIN = "main"
    ARTICLE = "article"
    PAGE = "page"


@dataclass(frozen=True, slots=True, kw_only=True)
class PageCue:
    """One headline, byline or date as the page shows it, raw; ``extract.metadata`` reads it.

    ``parts`` are a byline box's innermost name elements ("A. Writer", "B. Writer") when it
    has them; ``kind`` is the element (``h1``, ``h2``) for a headline and ``published``,
    ``modified`` or empty for a date.
    """

    place: Place
    text: str
    parts: tuple[str, ...] = ()
    kind: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PageMeta:
    """What the page says about itself in markup, raw; ``extract.metadata`` interprets it."""

    title: str | None = None
    base_href: str | None = None
    canonical: str | None = None
    og_url: str | None = None
    language: str | None = None
    meta: tuple[tuple[str, str], ...] = ()  # (name or property, content), lower-cased names
    json_ld: tuple[str, ...] = ()  # raw JSON-LD script bodies
    headings: tuple[PageCue, ...] = ()
    bylines: tuple[PageCue, ...] = ()
    dates: tuple[PageCue, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Document:
    """Every format ends as this: blocks in reading order, each knowing its region."""

    source: str
    format: Format
    blocks: tuple[Block, ...]
    meta: PageMeta = field(default_factory=PageMeta)
    url: str | None = None


# --------------------------------------------------------------------------- extract


@dataclass(frozen=True, slots=True, kw_only=True)
class Link:
    url: str  # normalised, resolved; equals href when it cannot be resolved
    href: str  # as written
    text: str
    region: Region
    kind: LinkKind
    domain: str | None = None
    category: Category | None = None
    context: str = ""
    position: int = 0  # occurrence index in document order


@dataclass(frozen=True, slots=True, kw_only=True)
class Metadata:
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None  # YYYY-MM-DD
    outlet: str | None = None
    outlet_domain: str | None = None
    canonical_url: str | None = None
    og_url: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CrossPost:
    """One step of the chain from the original publication to this copy."""

    original_outlet: str | None
    original_url: str | None = None
    published: str | None = None
    method: CrossPostMethod
    evidence: str = ""
    outlet_domain: str | None = None
    methods: tuple[CrossPostMethod, ...] = ()  # every method that found this step
    similarity: float | None = None  # near-duplicate only
    title: str | None = None  # the original's headline, when known (a near-duplicate's is)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attribution:
    source: str
    kind: SourceKind
    cue: str
    evidence: str
    role: str | None = None
    outlet: str | None = None
    outlet_domain: str | None = None
    outlet_category: Category | None = None
    characterisation: str | None = None  # e.g. "Kremlin-funded", as the article states it
    quote: str | None = None
    url: str | None = None
    mentions: tuple[str, ...] = ()  # every evidence sentence, first one included


@dataclass(frozen=True, slots=True, kw_only=True)
class Article:
    """Everything extracted from one article, with no network involved."""

    source: str
    format: Format
    metadata: Metadata
    links: tuple[Link, ...] = ()
    crossposts: tuple[CrossPost, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    content_hash: str = ""
    text: str = ""  # body text, for near-duplicate detection
    # What the domain tables say of each domain it names (its outlet's, its links', its
    # sources' outlets'), sorted by domain: standing travels with the article it was judged for.
    domains: tuple[DomainInfo, ...] = ()


# --------------------------------------------------------------------------- classify


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainInfo:
    domain: str
    category: Category
    name: str | None = None
    state: str | None = None  # for state-media: the state that funds or controls it
    source: str = ""  # where the classification comes from (reference URL or rule)
    reliability: str | None = None  # Wikipedia's perennial-sources status, as the list words it
    reliability_as_of: str | None = None  # the date of that list (YYYY-MM-DD)


# --------------------------------------------------------------------------- check


@dataclass(frozen=True, slots=True, kw_only=True)
class Hop:
    url: str
    status: int
    location: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    url: str
    status: Status
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    reason: str = ""
    archive_url: str | None = None
    checked_at: str = ""  # ISO 8601 UTC
    elapsed_ms: int = 0
    requests: int = 0  # HTTP requests this check made, retries included


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteProbe:
    """How a site answered a path that cannot exist, for one section of it (``key``).

    Kept so that each link's page can be compared with it: the final status and URL after
    redirects, and for a page, its title and a sketch of its text (the smallest hashes of its
    word shingles, enough to estimate how similar two pages are without keeping either).
    """

    key: str  # scheme, host, section and the shape of the paths it stands for
    url: str  # the path that cannot exist
    status: int  # the last answer's HTTP status
    final_url: str
    redirects: int = 0
    title: str = ""  # normalised
    size: int = 0  # characters of main text
    shingles: int = 0  # distinct shingles of the main text
    sketch: tuple[int, ...] = ()
    article: bool = False  # the page is marked up as an article
    checked_at: str = ""  # ISO 8601 UTC


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckOptions:
    """The checker's limits in one record (CLI flags map onto these fields)."""

    timeout: float = 10.0
    concurrency: int = 64
    per_host: int = 4
    min_interval: float = 0.0  # seconds between requests to one host
    max_wait: float = 600.0  # seconds a link may queue for its host before it is left unchecked
    retries: int = 2
    max_retry_after: float = 10.0  # a hostile Retry-After must not stall a batch
    max_redirects: int = 10
    max_body: int = 256 * 1024
    max_header_bytes: int = 64 * 1024
    allow_private: bool = False  # loopback and private networks
    allow_link_local: bool = False  # link-local networks, cloud metadata services included
    archive: bool = True
    probe: bool = True  # ask each site how it answers a path that cannot exist (soft 404s)
    recheck: bool = False
    cache_ttl_hours: float = 24.0
    user_agent: str = "auditor-link-checker/0.1 (+https://example.invalid/auditor)"
    offline: bool = False
    replay: str | None = None
    record: str | None = None
    domains_file: str | None = None
    quotes: bool = True  # look each linked quote up at its page (--no-quotes)
    quote_max_body: int = 2 * 1024 * 1024  # body cap for pages a quote is looked up in

    @property
    def mode(self) -> CheckMode:
        """How these options check links, as every output must say before any count."""
        return CheckMode.OFFLINE if self.offline else CheckMode.REPLAY if self.replay else CheckMode.LIVE


OFFLINE_REASON = "not fetched (--offline)"  # a quote's reason when the run fetched nothing


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteCheck:
    """One quotation of the article looked up at the page its link leads to.

    ``attribution`` is the index in ``Article.attributions`` of the source it is credited
    to (None for a quoted sentence whose link backs no source); ``page_url`` is where the
    words were looked for: the link's final URL, or its archived copy (``archived`` True).
    """

    quote: str
    url: str  # the link's check key
    verdict: QuoteVerdict
    attribution: int | None = None
    source: str | None = None
    similarity: float = 0.0  # 0..1, the best passage's share of the quote's words, in order
    differences: tuple[str, ...] = ()  # "‘deterrence’ → ‘defence’", "left out: ‘not’"
    passage: str = ""  # the page's words that matched best (bounded)
    page_url: str | None = None
    archived: bool = False
    reason: str = ""  # why unavailable; where on the page otherwise
    checked_at: str = ""  # when an earlier run looked it up (an offline run shows that verdict)


class CheckMode(StrEnum):
    """How a run's links were checked: what a report must say before any count."""

    LIVE = "live"
    OFFLINE = "offline"  # no network: links show their last real check, if any, with its date
    REPLAY = "replay"  # answered from a recorded cassette, not the web as it is today


@dataclass(frozen=True, slots=True, kw_only=True)
class RunInfo:
    """The run that audited an article, as its report's footer and labels describe it."""

    id: int | None = None
    command: str = "audit"
    version: str = ""
    started_at: str = ""  # ISO 8601 UTC
    mode: CheckMode = CheckMode.LIVE
    options: tuple[tuple[str, str], ...] = ()  # every option of the run, flattened, as text
    folder: str | None = None  # a batch's folder: reports name files relative to it


@dataclass(frozen=True, slots=True, kw_only=True)
class Audit:
    """An article with the check result of each of its distinct URLs."""

    article: Article
    checks: tuple[CheckResult, ...] = ()
    quotes: tuple[QuoteCheck, ...] = ()
    run_id: int | None = None
    run: RunInfo | None = None
    network_down: str | None = None  # why the network looked unreachable while checking
    _by_url: dict[str, CheckResult] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        # Reports look a check up for every link: an index, not a scan of every check.
        self._by_url.update((c.url, c) for c in self.checks)

    def check_for(self, url: str) -> CheckResult | None:
        """The check result filed under ``url`` (a check key), if any."""
        return self._by_url.get(url)


@dataclass(frozen=True, slots=True, kw_only=True)
class Fingerprint:
    """What near-duplicate detection keeps of a stored article: its body text's MinHash (128
    32-bit values, 512 bytes) and the metadata a near-duplicate record names it by."""

    source: str
    metadata: Metadata
    minhash: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class NearUpdate:
    """What committing one article changes in near-duplicate records, written in the same
    transaction as the article: its signature (None: too short to judge) and LSH band keys,
    and the near-duplicate cross-posts of every other article whose set changed."""

    minhash: bytes | None
    buckets: tuple[int, ...]
    near: tuple[tuple[str, tuple[CrossPost, ...]], ...] = ()
    stale_buckets: tuple[int, ...] = ()  # the band keys of the signature it replaces


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """What one article may cost to extract; 0 turns a limit off.

    CPU seconds, not wall time: on a busy machine an article must not be failed for what its
    neighbours cost. Memory is address space the extraction may add to the process.
    """

    seconds: float = 20.0
    memory_mb: int = 512
    # Links are what everything after extraction costs: checks, rows, the report. Real
    # articles have hundreds; a batch given one of 250,000 spent minutes and 1.7 GB on it.
    links: int = 50_000
