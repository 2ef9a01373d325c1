"""Find the element that holds the article on an HTML page.

Semantic containers first (``itemprop=articleBody``, an article-body class, ``<article>``,
``<main>``, ``role=main``), judged by how much of the page's *content prose* they hold; prose
inside furniture (comments, sidebars, related lists, navigation, footers) does not count, so
a long comment thread cannot pull the choice outwards. Explicit article-body markers win over
generic containers when they hold most of the prose. Pages with no semantic markup at all
(div soup) fall back to a readability-style text-density score: each run of text credits its
container fully and the container's parent by half, discounted by link density.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from auditor.models import Region
from auditor.parse.headings import agree
from auditor.parse.regions import BODY_CLASS, element_region

FURNITURE = frozenset(
    {Region.COMMENTS, Region.SIDEBAR, Region.RELATED, Region.NAV, Region.FOOTER, Region.SHARE, Region.HEADER}
)
_TEXT_HOLDERS = frozenset(
    {"div", "td", "section", "article", "main", "font", "center", "span", "body", "pre"}
)
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "head", "title", "button"})
_ITEMS = frozenset({"li", "dd"})
_MIN_RUN = 25


def class_id(el: etree._Element) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}".lower().strip()


def is_candidate(el: etree._Element) -> bool:
    """A semantic container that may hold the article."""
    if el.tag in {"article", "main"} or el.get("role") == "main" or el.get("itemprop") == "articleBody":
        return True
    return is_explicit_body(el)


def is_explicit_body(el: etree._Element) -> bool:
    return el.get("itemprop") == "articleBody" or bool(BODY_CLASS.search(class_id(el)))


def _hint(el: etree._Element) -> Region | None:
    tag = el.tag if isinstance(el.tag, str) else ""
    return element_region(tag, (el.get("role") or "").lower(), class_id(el))


@dataclass(frozen=True, slots=True)
class Main:
    element: etree._Element | None
    voided: frozenset[etree._Element]


@dataclass
class _Prose:
    """Content-prose characters under each element, and the text runs that produced them."""

    under: dict[etree._Element, int]
    runs: list[tuple[etree._Element, int, float]]  # (holder, chars, link density)
    total: int


def _own_text(el: etree._Element) -> str:
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts)


_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|(?:left|top|text-indent)\s*:\s*-\d{3,}(?:\.\d+)?(?:px|em|rem)",
    re.I,
)
# A furniture label on an element that holds most of the page's prose is wrong: comments
# and related rails can outweigh a short story, but a "sidebar" or a "header" cannot.
_VOIDABLE = FURNITURE - {Region.RELATED, Region.COMMENTS}
_VOID_SHARE = 0.6


def is_hidden(el: etree._Element) -> bool:
    """Hidden from readers by the markup itself: ``hidden``, ``aria-hidden``, an inline
    style that hides it or moves it off screen (classes are left alone: scripts toggle them)."""
    return (
        el.get("hidden") is not None
        or el.get("aria-hidden") == "true"
        or bool(_HIDDEN_STYLE.search(el.get("style", "")))
    )


def hidden_elements(root: etree._Element) -> frozenset[etree._Element]:
    """Every element inside a hidden one; each subtree is walked once, however deeply nested."""
    out: set[etree._Element] = set()
    for el in root.iter():
        if el not in out and isinstance(el.tag, str) and is_hidden(el):
            out.update(el.iter())
    return frozenset(out)


def _in_furniture(el: etree._Element, voided: frozenset[etree._Element]) -> bool:
    """Inside furniture, up to the nearest semantic container; inside comments, always
    (a comment's ``entry-content`` is still a comment)."""
    shielded = False
    for anc in el.iterancestors():
        if not isinstance(anc.tag, str) or anc.tag in {"body", "html"} or anc in voided:
            continue
        hint = _hint(anc)
        if hint is Region.COMMENTS:
            return True
        if shielded:
            continue
        if is_candidate(anc):
            shielded = True
        elif hint in FURNITURE:
            return True
    return False


def _in_comments(el: etree._Element) -> bool:
    return any(isinstance(a.tag, str) and _hint(a) is Region.COMMENTS for a in el.iterancestors())


def _runs(root: etree._Element) -> list[tuple[etree._Element, int, float]]:
    """Every run of visible text long enough to be prose: (holder, characters, link density)."""
    hidden = hidden_elements(root)
    runs = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "p" or (tag in _ITEMS and el.find(".//ul") is None and el.find(".//ol") is None):
            # list items count as prose: many articles are mostly lists
            text = el.text_content()
            links = sum(len(a.text_content()) for a in el.iter("a"))
        elif tag in _TEXT_HOLDERS:
            text, links = _own_text(el), 0
        else:
            continue
        n = len(" ".join(text.split()))
        if n - links < _MIN_RUN or el in hidden:
            continue
        runs.append((el, n - links, links / max(1, n)))
    return runs


def _holds_the_article(el: etree._Element, headlines: Sequence[str], first_h1: etree._Element | None) -> bool:
    """The page's headline, or an explicit article marker, sits inside ``el``."""
    if any(is_explicit_body(d) or d.tag == "article" for d in el.iter() if isinstance(d.tag, str)):
        return True
    if not headlines:
        return first_h1 is not None and any(d is first_h1 for d in el.iter("h1"))
    heads = (" ".join(h.text_content().split()) for tag in ("h1", "h2") for h in el.iter(tag))
    return any(agree(h, t) for h in heads for t in headlines if h)


def _voided(
    root: etree._Element, runs: list[tuple[etree._Element, int, float]], headlines: Sequence[str]
) -> frozenset[etree._Element]:
    """Class-named furniture that wraps the article itself ("top-header" around the whole
    page): it holds most of the prose and the headline, so its label is wrong. Tags and ARIA
    roles (``<aside>``, ``role=complementary``) are never overruled, nor are comments and
    related rails, which can outweigh a short story."""
    under: dict[etree._Element, int] = {}
    for el, n, _ in runs:
        for anc in el.iterancestors():
            under[anc] = under.get(anc, 0) + n
    total = sum(n for _, n, _ in runs)
    first_h1 = next(root.iter("h1"), None)
    out = []
    for el, n in under.items():
        if n < _VOID_SHARE * total or not isinstance(el.tag, str) or el.tag in {"body", "html"}:
            continue
        if _hint(el) not in _VOIDABLE or element_region(el.tag, (el.get("role") or "").lower(), ""):
            continue
        if _holds_the_article(el, headlines, first_h1):
            out.append(el)
    return frozenset(out)


def _measure(root: etree._Element, headlines: Sequence[str]) -> tuple[_Prose, frozenset[etree._Element]]:
    raw = _runs(root)
    voided = _voided(root, raw, headlines)
    under: dict[etree._Element, int] = {}
    runs: list[tuple[etree._Element, int, float]] = []
    total = 0
    for el, n, density in raw:
        if _in_furniture(el, voided):
            continue
        runs.append((el, n, density))
        total += n
        under[el] = under.get(el, 0) + n
        for anc in el.iterancestors():
            under[anc] = under.get(anc, 0) + n
    return _Prose(under=under, runs=runs, total=total), voided


def _innermost(scored: list[tuple[etree._Element, int]]) -> etree._Element:
    best_n = max(n for _, n in scored)
    inner = [c for c, n in scored if n >= 0.8 * best_n]
    return min(inner, key=lambda c: sum(1 for _ in c.iter()))


def _by_density(prose: _Prose) -> etree._Element | None:
    scores: dict[etree._Element, float] = {}
    for el, n, density in prose.runs:
        weight = n * (1.0 - density)
        holder = el.getparent() if el.tag == "p" or el.tag in _ITEMS else el
        if holder is not None and el.tag in _ITEMS:
            holder = holder.getparent()  # the list's container, not the list
        if holder is None:
            continue
        scores[holder] = scores.get(holder, 0.0) + weight
        parent = holder.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0.0) + weight / 2
    return max(scores, key=lambda e: scores[e]) if scores else None


def _top_articles(container: etree._Element) -> list[etree._Element]:
    out = []
    for art in container.iter("article"):
        if art is container:
            continue
        if not any(a.tag == "article" for a in _between(art, container)):
            out.append(art)
    return out


def _between(el: etree._Element, top: etree._Element) -> list[etree._Element]:
    out = []
    for anc in el.iterancestors():
        if anc is top:
            break
        out.append(anc)
    return out


def _story(container: etree._Element, headlines: Sequence[str]) -> etree._Element:
    """On a "river" page one container holds the story and the next stories, each in its
    own ``<article>``: the story is the one whose heading is the page's headline."""
    articles = _top_articles(container)
    if len(articles) < 2 or not headlines:
        return container
    for art in articles:
        heads = [" ".join(h.text_content().split()) for tag in ("h1", "h2") for h in art.iter(tag)][:3]
        if any(agree(h, t) for h in heads for t in headlines if h and t):
            return art
    return container


def find_main(root: etree._Element, headlines: Sequence[str] = ()) -> Main:
    """The element holding the article (None when the page has no prose at all), and the
    furniture labels found wrong because they hold most of the page's prose."""
    prose, voided = _measure(root, headlines)
    if prose.total == 0:
        return Main(None, voided)
    candidates = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag not in _SKIP and is_candidate(el) and not _in_comments(el)
    ]
    good = [(c, prose.under.get(c, 0)) for c in candidates]
    good = [(c, n) for c, n in good if n >= 0.5 * prose.total]
    explicit = [(c, n) for c, n in good if is_explicit_body(c)]
    if explicit:
        return Main(_innermost(explicit), voided)
    if good:
        return Main(_story(_innermost(good), headlines), voided)
    return Main(_by_density(prose), voided)
