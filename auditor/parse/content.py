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

from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from auditor.models import Region
from auditor.parse.regions import BODY_CLASS, element_region

FURNITURE = frozenset(
    {Region.COMMENTS, Region.SIDEBAR, Region.RELATED, Region.NAV, Region.FOOTER, Region.SHARE, Region.HEADER}
)
_TEXT_HOLDERS = frozenset({"div", "td", "section", "article", "main", "font", "center", "span", "body"})
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


def _in_furniture(el: etree._Element) -> bool:
    """Inside furniture, up to the nearest semantic container; inside comments, always
    (a comment's ``entry-content`` is still a comment)."""
    shielded = False
    for anc in el.iterancestors():
        if not isinstance(anc.tag, str) or anc.tag in {"body", "html"}:
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


def _measure(root: etree._Element) -> _Prose:
    under: dict[etree._Element, int] = {}
    runs: list[tuple[etree._Element, int, float]] = []
    total = 0
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
        if n - links < _MIN_RUN or _in_furniture(el):
            continue
        density = links / max(1, n)
        n -= links
        runs.append((el, n, density))
        total += n
        under[el] = under.get(el, 0) + n
        for anc in el.iterancestors():
            under[anc] = under.get(anc, 0) + n
    return _Prose(under=under, runs=runs, total=total)


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


def find_main(root: etree._Element) -> etree._Element | None:
    """The element holding the article, or None when the page has no prose at all."""
    prose = _measure(root)
    if prose.total == 0:
        return None
    candidates = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and el.tag not in _SKIP and is_candidate(el) and not _in_comments(el)
    ]
    good = [(c, prose.under.get(c, 0)) for c in candidates]
    good = [(c, n) for c, n in good if n >= 0.5 * prose.total]
    explicit = [(c, n) for c, n in good if is_explicit_body(c)]
    if explicit:
        return _innermost(explicit)
    if good:
        return _innermost(good)
    return _by_density(prose)
