"""Region hints for HTML elements: markup, ARIA roles and common class/id vocabulary.

No single site's class names: these are the words the web's templates (WordPress, Drupal,
Arc, Ghost, news CMSs) use for the same furniture, matched on whole class/id tokens so that
``footnotes`` is not a footer and ``author-bio`` inside an article is still a byline.

A long class name is a description, not a label: ``layout-two-col-sidebar-right`` says the
page *has* a sidebar, ``site-header-and-content`` wraps more than the header. So a furniture
word counts only when the token is short (up to three parts) or ends with it, and never in a
token that states a layout (``has-``, ``with-``, ``no-``, ``layout``, ``col``, ``grid``…).
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.models import Region

_TAG_REGION = {
    "nav": Region.NAV,
    "footer": Region.FOOTER,
    "header": Region.HEADER,
    "aside": Region.SIDEBAR,
}
_ROLE_REGION = {
    "navigation": Region.NAV,
    "menubar": Region.NAV,
    "menu": Region.NAV,
    "search": Region.NAV,
    "banner": Region.HEADER,
    "contentinfo": Region.FOOTER,
    "complementary": Region.SIDEBAR,
}


def _words(*words: str) -> re.Pattern[str]:
    alternation = "|".join(words)
    return re.compile(rf"(?:^|[\s_\-])(?:{alternation})(?=$|[\s_\-\d])")


_PARTS = re.compile(r"[-_]+")
_LAYOUT = frozenset(
    "has with no without show hide layout col cols column columns grid template two three four and".split()
)


def _counts(token: str, m: re.Match[str]) -> bool:
    """Whether the furniture word found in ``token`` names the element (see the docstring)."""
    parts = [p for p in _PARTS.split(token) if p]
    if _LAYOUT.intersection(parts):
        return False
    return len(parts) <= 3 or not token[m.end() :].strip("-_0123456789")


def _names(pattern: re.Pattern[str], class_id: str) -> bool:
    for token in class_id.split():
        m = pattern.search(token)
        if m and _counts(token, m):
            return True
    return False


# Order matters: the most specific furniture first.
_CLASS_REGIONS: tuple[tuple[Region, re.Pattern[str]], ...] = (
    # Notes the author wrote, even when a template puts them outside the article container.
    (Region.BODY, _words("footnotes?", "endnotes?", "footnote-?list", "fn-?list")),
    (
        Region.MEDIA,
        _words(
            "gallery",
            "galleries",
            "slideshow",
            "carousel",
            "lightbox",
            "slider",
            "swiper",
            "video-?player",
            "media-?player",
            "player",
            "jwplayer",
            "jw-?player",
            "vjs",
            "video-?js",
        ),
    ),
    (Region.COMMENTS, _words("comments?", "commentlist", "disqus", "respond", "discussion", "replies")),
    (
        Region.SHARE,
        _words(
            "share",
            "shares",
            "sharing",
            "sharebar",
            "share-?buttons?",
            "social",
            "socials",
            "social-?links",
            "sociable",
            "addthis",
            "sharethis",
            "shareaholic",
            "follow-?us",
            "print-?email",
        ),
    ),
    (
        Region.RELATED,
        _words(
            "related",
            "recommended",
            "recommendations?",
            "more-?stories",
            "read-?next",
            "readnext",
            "also-?read",
            "you-?may",
            "popular",
            "trending",
            "most-?read",
            "most-?popular",
            "outbrain",
            "taboola",
            "teasers?",
            "jp-relatedposts",
            "yarpp",
            "more-?from",
        ),
    ),
    (
        Region.META,
        _words(
            "tags?",
            "tag-?list",
            "tagcloud",
            "post-?tags",
            "categories",
            "cat-?links",
            "keywords",
            "taxonomy",
            "topics",
        ),
    ),
    (
        Region.BYLINE,
        _words(
            "byline",
            "bylines",
            "author",
            "authors",
            "author-?info",
            "dateline",
            "article-?meta",
            "post-?meta",
            "entry-?meta",
            "meta-?info",
            "posted-?on",
            "timestamp",
        ),
    ),
    (
        Region.NAV,
        _words(
            "nav",
            "navbar",
            "navigation",
            "menu",
            "main-?menu",
            "menubar",
            "breadcrumbs?",
            "skip-?link",
            "pagination",
            "pager",
            "topnav",
            "megamenu",
            "site-?nav",
        ),
    ),
    (
        Region.FOOTER,
        _words(
            "footer",
            "site-?footer",
            "page-?footer",
            "foot",
            "colophon",
            "copyright",
            "site-?info",
            "legal",
            "cookies?",
            "cookie-?(?:banner|notice|consent)",
            "consent",
            "gdpr",
            "cmp",
        ),
    ),
    (
        Region.SIDEBAR,
        _words(
            "sidebar",
            "side-?bar",
            "widgets?",
            "widget-?area",
            "rail",
            "right-?rail",
            "aside",
            "ads?",
            "advert",
            "advertisement",
            "sponsored?",
            "newsletter",
            "subscribe",
            "signup",
            "promo",
            "donate",
        ),
    ),
    (Region.HEADER, _words("header", "site-?header", "masthead", "top-?bar", "topbar", "site-?branding")),
)

BODY_CLASS = _words(
    "article-?body",
    "articlebody",
    "article__body",
    "story-?body",
    "story-?content",
    "entry-?content",
    "post-?content",
    "post-?body",
    "article-?content",
    "article-?text",
    "content-?body",
    "body-?text",
    "story-?text",
    "rich-?text",
    "prose",
    "single-?content",
)


@lru_cache(maxsize=4096)
def class_region(class_id: str) -> Region | None:
    """The region a class/id string names, if any (lower-cased input)."""
    if not class_id:
        return None
    for region, pattern in _CLASS_REGIONS:
        if _names(pattern, class_id):
            return region
    return None


# Embedded posts (a tweet, an Instagram post, a Bluesky skeet) quote a source inside the
# article: their links are the author's evidence, not a share bar.
_EMBED = _words(
    "embeds?",
    "twitter-?tweet",
    "tweet",
    "instagram-?media",
    "tiktok-?embed",
    "fb-?post",
    "bluesky-?embed",
    "reddit-?embed",
    "mastodon-?embed",
)


@lru_cache(maxsize=4096)
def is_embed(class_id: str) -> bool:
    return bool(class_id) and any(_EMBED.search(tok) for tok in class_id.split())


def element_region(tag: str, role: str, class_id: str) -> Region | None:
    """Markup first (ARIA role, then tag), then class/id vocabulary.

    ``<aside>`` is only "not the main flow": its class says what kind (a related-stories box,
    a share bar), so the class wins there and ``sidebar`` is the default.
    """
    if role in _ROLE_REGION:
        return _ROLE_REGION[role]
    if tag == "aside":
        return class_region(class_id) or Region.SIDEBAR
    if tag in _TAG_REGION:
        return _TAG_REGION[tag]
    return class_region(class_id)
