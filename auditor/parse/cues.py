"""Headlines, bylines and dates as an HTML page shows them, each with where it sits.

Structured data names the author and the date on most pages, but not all; when it is
missing, what a reader sees decides: the ``<h1>`` over the story, the byline box under it,
the ``<time>`` beside it. A page also shows many headlines, bylines and dates that are not
the article's (the site banner, the "related stories" rail with a byline and a date per
teaser, comments), so every cue carries its ``Place``: inside the article's body container,
in the article around it (its header, its ``<article>`` or ``itemscope``), or elsewhere, and
cues inside furniture (related rails, comments, sidebars, menus, footers, share bars) or
hidden from readers are dropped. ``extract.metadata`` chooses among them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from auditor.models import PageCue, Place, Region
from auditor.parse.content import class_id, is_hidden
from auditor.parse.regions import element_region

_EXCLUDE = frozenset(
    {Region.COMMENTS, Region.SIDEBAR, Region.RELATED, Region.NAV, Region.FOOTER, Region.SHARE}
)
_ARTICLE_TYPE = re.compile(r"article|posting|report|webpage|creativework", re.I)
_BYLINE_WORDS = frozenset(
    "byline bylines author authors authorname byauthor writer writers contributor contributors "
    "creator reporter".split()
)
_BYLINE_STOP = frozenset(
    "bio bios image img avatar photo pic picture follow more social twitter tweet desc description "
    "about date time timestamp title label icon link-list list page pages archive box".split()
)
_DATE_WORDS = frozenset(
    "date dates time timestamp published publish pubdate dateline datetime posted updated".split()
)
_DATE_STOP = frozenset("picker format zone ago reading read".split())
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_SPLIT = re.compile(r"[-_]+")
_WS = re.compile(r"\s+")
MAX_CUES = 40


def _subwords(el: etree._Element) -> list[list[str]]:
    raw = f"{el.get('class', '')} {el.get('id', '')}"
    return [[w for w in _SPLIT.split(tok.lower()) if w] for tok in _CAMEL.sub(r"\1-\2", raw).split()]


def _names(el: etree._Element, words: frozenset[str], stop: frozenset[str]) -> bool:
    if "class" not in el.attrib and "id" not in el.attrib:
        return False
    for sub in _subwords(el):
        if len(sub) <= 4 and words.intersection(sub) and not stop.intersection(sub):
            return True
    return False


def is_byline(el: etree._Element) -> bool:
    attrib = el.attrib
    if not attrib:
        return False
    if attrib.get("itemprop") in {"author", "creator"}:
        return True
    if el.tag == "a" and "author" in (el.get("rel") or "").lower().split():
        return True
    return _names(el, _BYLINE_WORDS, _BYLINE_STOP)


def _is_date(el: etree._Element) -> bool:
    if el.tag == "time":
        return True
    attrib = el.attrib
    if not attrib:
        return False
    if attrib.get("itemprop") in {"datePublished", "dateCreated", "dateModified"}:
        return True
    return el.tag not in {"a", "html", "body"} and _names(el, _DATE_WORDS, _DATE_STOP)


def article_scope(main: etree._Element | None) -> etree._Element | None:
    """The article around the body container: its ``<article>`` or article ``itemscope``,
    else the container's parent (where the headline and byline usually sit)."""
    if main is None:
        return None
    for el in (main, *main.iterancestors()):
        if el.tag in {"body", "html"}:
            break
        if el.tag == "article" or (
            el.get("itemscope") is not None and _ARTICLE_TYPE.search(el.get("itemtype", ""))
        ):
            return el
    parent = main.getparent()
    return parent if parent is not None and parent.tag not in {"body", "html"} else main


class _Locator:
    def __init__(
        self, main: etree._Element | None, scope: etree._Element | None, voided: frozenset[etree._Element]
    ) -> None:
        self.main, self.scope, self.voided = main, scope, voided

    def place(self, el: etree._Element) -> Place | None:
        """Where ``el`` sits, or None when it is hidden or inside furniture."""
        for node in (el, *el.iterancestors()):
            if node is self.main:
                return Place.MAIN
            if node is self.scope:
                return Place.ARTICLE
            if is_hidden(node):
                return None
            if node.tag in {"body", "html"} or node in self.voided:
                continue
            hint = element_region(node.tag, (node.get("role") or "").lower(), class_id(node))
            if hint in _EXCLUDE:
                return None
        return Place.PAGE


def _text(el: etree._Element, limit: int) -> str:
    return _WS.sub(" ", el.text_content()).strip()[:limit]


def itemscope_is_article(el: etree._Element) -> bool:
    """An ``itemprop`` belongs to its nearest ``itemscope``: an embedded video's date is not ours."""
    for anc in el.iterancestors():
        if anc.get("itemscope") is not None:
            itemtype = anc.get("itemtype", "")
            return not itemtype or bool(_ARTICLE_TYPE.search(itemtype))
    return True


def _date_kind(el: etree._Element) -> str:
    hints = f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')}".lower()
    if el.get("pubdate") is not None or re.search(r"publish|pubdate|created|posted|dateline", hints):
        return "published"
    if re.search(r"modif|updat|edited", hints):
        return "modified"
    return ""


def _headings(root: etree._Element, loc: _Locator) -> Iterator[PageCue]:
    scope = loc.scope
    h2s = list(scope.iter("h2"))[:3] if scope is not None else []
    for el in [*list(root.iter("h1"))[:10], *h2s]:
        text = _text(el, 300)
        if text and (place := loc.place(el)) is not None:
            yield PageCue(place=place, text=text, kind=el.tag)


def _bylines(root: etree._Element, loc: _Locator) -> Iterator[PageCue]:
    """One cue per byline box (a byline element not inside another), with its leaves."""
    cands = [el for el in root.iter() if isinstance(el.tag, str) and is_byline(el)][: 4 * MAX_CUES]
    marked = set(cands)
    parent = {el: next((a for a in el.iterancestors() if a in marked), None) for el in cands}
    has_child = {p for p in parent.values() if p is not None}
    leaves: dict[etree._Element, list[etree._Element]] = {}
    for el in cands:
        box = el
        while parent[box] is not None:
            box = parent[box]
        leaves.setdefault(box, [])
        if box is not el and el not in has_child:
            leaves[box].append(el)
    for box, parts_of in list(leaves.items())[:MAX_CUES]:
        place = loc.place(box)
        if place is None:
            continue
        parts = tuple(t for e in parts_of if loc.place(e) is not None and (t := _text(e, 200)))
        text = _text(box, 300)
        if text or parts:
            yield PageCue(place=place, text=text, parts=parts)


def _dates(root: etree._Element, loc: _Locator) -> Iterator[PageCue]:
    n = 0
    for el in root.iter():
        if not isinstance(el.tag, str) or not _is_date(el):
            continue
        if el.get("itemprop") and not itemscope_is_article(el):
            continue
        value = el.get("datetime") or el.get("content") or _text(el, 100)
        if not value or len(value) > 100 or (place := loc.place(el)) is None:
            continue
        yield PageCue(place=place, text=value.strip(), kind=_date_kind(el))
        n += 1
        if n >= MAX_CUES:
            return


def page_cues(
    root: etree._Element, main: etree._Element | None, voided: frozenset[etree._Element] = frozenset()
) -> tuple[tuple[PageCue, ...], tuple[PageCue, ...], tuple[PageCue, ...]]:
    """(headings, bylines, dates) of the page, in document order."""
    loc = _Locator(main, article_scope(main), voided)
    return tuple(_headings(root, loc)), tuple(_bylines(root, loc)), tuple(_dates(root, loc))
