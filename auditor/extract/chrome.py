"""Site chrome among the links inside an article: tags, author pages, sign-in, subscribe, legal.

CMS templates drop the site's own navigation into the article container with no telling
class: "Filed in Harbour, dredging", "More from Ana Ruiz", "Subscribe to read more. Already a
member? Sign in", "Privacy policy | Cookie settings". None of these is a source the author
cites, and a fact-checker who sees them counted as sources stops trusting the list. A link
is chrome by its ``rel`` (``tag``, ``category``, ``author``), or, in a short or link-made
line, by a path on the site's own domain (``/tag/``, ``/author/``, ``/login``…) or by an
anchor text that is nothing but a chrome label. A link in running prose keeps ``body``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from auditor.classify.registrable import domain_of
from auditor.models import Anchor, Block, Region

_TAG_PATH = re.compile(
    r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?(?:tags?|category|categories|topics?|subjects?|keywords?)/"
)
_AUTHOR_PATH = re.compile(
    r"^/(?:[a-z]{2}(?:-[a-z]{2})?/)?(?:author|authors|autor|auteur|people|profiles?|staff|contributors?|writers?|journalists?)/"
)
_SIGN_PATH = re.compile(
    r"/(?:login|log-in|signin|sign-in|logout|register|account|my-account|myaccount)(?:[/?.]|$)"
)
_SUBSCRIBE_PATH = re.compile(
    r"/(?:subscribe|subscription|subscriptions|newsletters?|signup|sign-up|join|donate)(?:[/?.]|$)"
)
_LEGAL_PATH = re.compile(
    r"/(?:privacy|privacy-policy|cookies?|cookie-policy|terms|terms-of-use|terms-of-service|legal|gdpr|ccpa|"
    r"ad-?choices|accessibility|imprint|impressum)(?:[/?.-]|$)"
)
_LEGAL_TEXT = re.compile(
    r"^(?:privacy(?: policy| notice| settings)?|cookies?(?: policy| settings| preferences)?|manage cookies|"
    r"terms(?: of (?:use|service))?|terms (?:and|&) conditions|legal|ad ?choices|do not sell my (?:personal )?info(?:rmation)?|"
    r"accessibility|imprint|impressum|contact us|about us)$",
    re.I,
)
_SIGN_TEXT = re.compile(
    r"^(?:sign ?in|log ?in|log ?out|sign ?out|register|my account|create (?:an )?account)$", re.I
)
_SUBSCRIBE_TEXT = re.compile(
    r"^(?:subscribe(?: now| today)?|sign up(?: now)?|newsletters?|join(?: now| us)?|donate(?: now)?|become a (?:member|subscriber)|"
    r"buy(?: it)? now|shop now|buy|check (?:the )?price|see (?:the )?price|view deal|get (?:the )?deal|"
    r"(?:get|start)(?: your| a)? free trial|try (?:it )?(?:for )?free|get started(?: guide)?|talk to (?:an expert|sales|us)|"
    r"contact sales|request a demo|book a demo|share your feedback|give feedback)$",
    re.I,
)
_PROFILE_TEXT = re.compile(
    r"^(?:go to the profile of|view (?:the )?profile|more (?:by|from)|all (?:posts|articles|stories) by)\b",
    re.I,
)
_IMAGE_TEXT = re.compile(
    r"^(?:view (?:this |the |full |larger )?image|enlarge(?: image)?|expand(?: image)?|see (?:the )?full image)\b",
    re.I,
)
# Ad and recommendation networks: their links are advertising, never what the author cites.
_AD_DOMAINS = frozenset(
    "teads.tv outbrain.com taboola.com doubleclick.net googleadservices.com googlesyndication.com adnxs.com "
    "criteo.com revcontent.com mgid.com zergnet.com content.ad nativo.com sharethrough.com adsrvr.org "
    "amazon-adsystem.com adform.net smartadserver.com yieldmo.com plista.com ligatus.com".split()
)
_SHORT_WORDS = 12


def short_line(block: Block) -> bool:
    """A line that is mostly links, or too short to be prose that cites them."""
    linked = sum(a.end - a.start for a in block.anchors)
    pieces, pos = [], 0
    for a in sorted(block.anchors, key=lambda a: a.start):
        pieces.append(block.text[pos : a.start])
        pos = max(pos, a.end)
    pieces.append(block.text[pos:])
    return linked >= 0.6 * max(1, len(block.text)) or len(" ".join(pieces).split()) <= _SHORT_WORDS


def chrome_region(anchor: Anchor, short: bool, url: str, page_domain: str | None) -> Region | None:
    """The furniture region of a body link that is chrome, or None for a real body link.

    ``short`` is ``short_line`` of the link's block, computed once per block by the caller.
    """
    if anchor.rel:
        rel = set(anchor.rel.split())
        if rel & {"tag", "category"}:
            return Region.META
        if "author" in rel:
            return Region.BYLINE
    domain = domain_of(url)
    if domain in _AD_DOMAINS:
        return Region.SIDEBAR
    if not short:
        return None
    label = " ".join(anchor.text.split()).strip(" .:»›>!")
    if _PROFILE_TEXT.match(label):
        return Region.BYLINE
    if _IMAGE_TEXT.match(label):
        return Region.MEDIA
    if _LEGAL_TEXT.match(label):
        return Region.FOOTER
    if _SIGN_TEXT.match(label):
        return Region.NAV
    if _SUBSCRIBE_TEXT.match(label):
        return Region.SIDEBAR
    if not page_domain or domain != page_domain:
        return None
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return None
    if _TAG_PATH.match(path):
        return Region.META
    if _AUTHOR_PATH.match(path):
        return Region.BYLINE
    if _SIGN_PATH.search(path):
        return Region.NAV
    if _SUBSCRIBE_PATH.search(path):
        return Region.SIDEBAR
    if _LEGAL_PATH.search(path):
        return Region.FOOTER
    return None


def link_only(block: Block) -> bool:
    return bool(block.anchors) and sum(a.end - a.start for a in block.anchors) >= 0.8 * max(
        1, len(block.text)
    )


def section_root(url: str) -> bool:
    """A site's home or section front ("/", "/news/", "/blog"): a breadcrumb, not a citation."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return len([p for p in path.split("/") if p]) <= 1 and "." not in path.rsplit("/", 1)[-1]


_CURATED = re.compile(
    r"^(?:see also|further reading|references|sources|notes|bibliography|external links|reading list)\b", re.I
)
_MIN_PROMO_LINKS = 3


def trailing_promos(blocks: Sequence[Block], own_links: Callable[[Block], bool]) -> set[int]:
    """Indices of the link-only blocks after the article's last paragraph of prose whose
    links all go to the site itself: the teaser cards and "read the blog" rows a template
    appends inside the article container, with no heading or class to say so. A list under
    the author's own heading ("See also", "Further reading", "Sources") is kept, and so is
    a single closing link: teaser rows come three and more at a time."""
    body = [i for i, b in enumerate(blocks) if b.region is Region.BODY]
    prose = [i for i in body if len(blocks[i].text.split()) >= 25 and not link_only(blocks[i])]
    if not prose:
        return set()
    out: set[int] = set()
    curated = False
    for i in body:
        if i <= prose[-1]:
            continue
        block = blocks[i]
        if block.tag.startswith("h") and len(block.text.split()) <= 8:
            curated = bool(_CURATED.match(block.text))
        elif not curated and link_only(block) and own_links(block):
            out.add(i)
    return out if sum(len(blocks[i].anchors) for i in out) >= _MIN_PROMO_LINKS else set()
