"""The article's headline, chosen by agreement between what the page declares and shows.

A page names its headline up to five times: JSON-LD ``headline``, ``og:title`` (often a
social-media variant), ``<title>`` (usually "Headline | Site"), and the ``<h1>`` or ``<h2>``
over the story, beside a site banner ``<h1>`` ("Allergies Health Center", a blog's "Hi, I'm
…") that is no headline at all. No single source is right on every site, but the true
headline is the one the others agree with: each candidate is backed by every other source
that says the same (or says it followed by a site segment, as ``<title>`` does). The best
backed wins; ties go to the cleanest source. A site suffix is cut from ``<title>`` only when
it names the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditor.models import PageCue, Place
from auditor.parse.headings import TITLE_SEP, WS, agree, leads, norm, site_key


def strip_site(title: str, sites: frozenset[str]) -> str:
    """Cut leading or trailing segments that name the site; keep the headline verbatim."""
    title = WS.sub(" ", title).strip()
    for _ in range(3):
        seps = list(TITLE_SEP.finditer(title))
        if not seps:
            break
        head, tail = title[: seps[0].start()], title[seps[-1].end() :]
        if site_key(tail.strip("[] ")) in sites and seps[-1].start() > 0:
            title = title[: seps[-1].start()].strip()
        elif site_key(head) in sites and seps[0].end() < len(title):
            title = title[seps[0].end() :].strip()
        else:
            break
    return title


@dataclass(frozen=True, slots=True)
class _Candidate:
    text: str
    rank: int  # lower is cleaner: breaks ties between equally backed candidates
    group: str  # candidates of one group never back each other (og:title and twitter:title)
    banner: bool = False  # a heading outside the article: a site or section banner, often


def _candidates(
    headline: str | None,
    ld_name: str | None,
    declared: Sequence[str],
    page_title: str | None,
    headings: Iterable[PageCue],
    sites: frozenset[str],
) -> list[_Candidate]:
    out: list[_Candidate] = []
    if headline:
        out.append(_Candidate(headline, 0, "headline"))
    for cue in headings:
        banner = cue.place is Place.PAGE
        rank = (5 if banner else 1) + (cue.kind != "h1")
        out.append(_Candidate(cue.text, rank, "heading", banner))
    out.extend(_Candidate(d, 3, "declared") for d in declared)
    if page_title:
        out.append(_Candidate(strip_site(page_title, sites), 4, "title"))
    if ld_name:
        out.append(_Candidate(ld_name, 7, "name"))
    return [c for c in out if norm(c.text) and len(c.text) <= 500]


_FALLBACK = {"headline": 0, "title": 1, "declared": 2, "heading": 3, "name": 4}


def choose_title(
    *,
    headline: str | None,
    ld_name: str | None,
    declared: Sequence[str],
    page_title: str | None,
    headings: Iterable[PageCue],
    site_names: Iterable[str],
) -> str | None:
    """The best-backed candidate; with no agreement at all, the cleanest declared one."""
    sites = frozenset(k for n in site_names if n and (k := site_key(n)))
    cands = _candidates(headline, ld_name, declared, page_title, headings, sites)
    if not cands:
        return None
    voters = [c for c in cands if c.group != "title"]
    if page_title:
        voters.append(_Candidate(page_title, 4, "title"))

    def backing(c: _Candidate) -> int:
        return len({v.group for v in voters if v.group != c.group and agree(c.text, v.text, sites)})

    scored = [(backing(c), c) for c in cands]
    best = max(b for b, _ in scored)
    if best == 0:
        # Nobody agrees: a banner heading, or a candidate that is only the site's name, is
        # the least likely headline.
        pool = [c for c in cands if not c.banner and site_key(c.text) not in sites] or cands
        chosen = min(pool, key=lambda c: (_FALLBACK[c.group], c.rank))
    else:
        top = [c for b, c in scored if b == best]
        chosen = min(top, key=lambda c: c.rank)
        # "Headline" and "Headline - Section": the shorter one, the rest is a site segment
        shorter = [c for c in top if leads(norm(chosen.text), norm(c.text))]
        chosen = min(shorter, key=lambda c: c.rank) if shorter else chosen
    return WS.sub(" ", chosen.text).strip()
