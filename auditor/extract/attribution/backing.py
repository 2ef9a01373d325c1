"""Which link backs an attribution, and what a link may stand for as its backing.

A backing link must be somewhere a reader can go: ``javascript:``, ``data:`` and ``vbscript:``
links never back a source (a hostile page could otherwise plant a script URL in the
report). A bare ``#`` stays: the report shows it as a placeholder, which is itself a finding.
A footnote mark (``#fn1``) stands for the footnote's first web link when the footnote is in
the document, and for nothing otherwise. The link searched for stays inside the source's own
clause: in "the ministry said …, and broadcaster CGTN ran [a segment]" the link is CGTN's.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence

from auditor.extract.attribution.text import Paragraph
from auditor.models import Document, Link, LinkKind

_SCRIPT = ("javascript:", "data:", "vbscript:")
_PLACEHOLDERS = frozenset({"", "#", "#!", "#0", "about:blank"})
_NUMBER = re.compile(r"(\d+)\D*$")
_CLAUSE_END = re.compile(r";|,\s+(?:and|but|while|whereas)\s|\s+(?:while|whereas)\s|\s[—–]\s")
_READ_MORE = re.compile(
    r"^\s*(?:read\s+more|more|source|here|full\s+(?:story|text|statement|report)|link)\s*$", re.I
)
_MARK = re.compile(r"^\s*(?:\[\^?(\d+)\]|\^?(\d+)[.):\]]?|\((\d+)\))(?:\s|$)")


def backing_targets(doc: Document, links: Sequence[Link]) -> dict[str, str | None]:
    """What each link URL stands for as a backing link: itself, its footnote's link, or None."""
    out: dict[str, str | None] = {}
    notes: dict[str, str | None] | None = None
    for link in links:
        if link.url in out:
            continue
        url = link.url.strip()
        low = url.lower()
        if low.startswith(_SCRIPT):
            out[link.url] = None
        elif low in _PLACEHOLDERS or link.kind is LinkKind.WEB:
            out[link.url] = link.url
        elif link.kind is LinkKind.FRAGMENT or low.startswith("#"):
            notes = _footnotes(doc, links) if notes is None else notes
            number = _NUMBER.search(url.rsplit("#", 1)[-1])
            out[link.url] = notes.get(number.group(1)) if number else None
        else:
            out[link.url] = link.url
    return out


def _footnotes(doc: Document, links: Sequence[Link]) -> dict[str, str | None]:
    """Footnote number -> the footnote's first web link, for footnotes found in the document.

    A footnote is the block holding its back-link (``#fnref1``, ``#cite_ref-1``), else a block
    opening with its mark ("[1]", "1.", "^1"); the back-link is the surer sign, so it wins.
    """
    web = {link.href: link.url for link in links if link.kind is LinkKind.WEB}
    by_backlink: dict[str, str | None] = {}
    by_marker: dict[str, str | None] = {}
    for block in doc.blocks:
        first = next((web[a.href] for a in block.anchors if a.href in web), None)
        for a in block.anchors:
            frag = a.href.rsplit("#", 1)[-1].lower() if "#" in a.href else ""
            found = _NUMBER.search(frag)
            if "ref" in frag and found is not None:
                by_backlink.setdefault(found.group(1), first)
        mark = _MARK.match(block.text)
        if mark is not None:
            by_marker.setdefault(next(g for g in mark.groups() if g), first)
    return {**by_marker, **by_backlink}


def backing_url(
    para: Paragraph,
    sentence: tuple[int, int],
    cue: tuple[int, int],
    subject: tuple[int, int],
    targets: Mapping[str, str | None],
) -> str | None:
    """The link on the cue, on the source's name, later in its clause, or closing the paragraph."""
    rest = para.text[cue[1] : sentence[1]]
    cut = _CLAUSE_END.search(rest)
    clause = (cue[1], cue[1] + cut.start() if cut else sentence[1])
    for span in (cue, subject, clause):
        found = _link_in(para, span, targets)
        if found is not None:
            return found
    if para.links:
        a, b, url = para.links[-1]
        if b >= len(para.text.rstrip(" .")) - 1 and _READ_MORE.match(para.text[a:b]):
            return targets.get(url, url)
    return None


def _link_in(para: Paragraph, span: tuple[int, int], targets: Mapping[str, str | None]) -> str | None:
    """The first usable link overlapping ``span`` (links are sorted and do not overlap)."""
    i = bisect_right(para.links, span[0], key=lambda link: link[1])
    while i < len(para.links) and para.links[i][0] < span[1]:
        url = para.links[i][2]
        target = targets.get(url, url)
        if target is not None:
            return target
        i += 1
    return None
