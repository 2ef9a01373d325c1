"""Undeclared cross-posts: articles that are copies of each other though no line says so.

MinHash over word 5-shingles of the body text with LSH (datasketch) finds candidate pairs in
near-linear time; the Jaccard estimate of each pair decides. Copies with edited headers and
footers still match because only the body text is compared, and two different articles on
the same site template do not, for the same reason: the template is not body text. The
earlier copy (by publication date, then by source name so the result is stable) is recorded
as the original of the later one.

Memory: the input is streamed (:class:`Candidate` rows, one at a time) and only a 1 KB
signature plus a few metadata strings are kept per article, never the text, so a corpus of
100,000 articles needs about 150 MB here, whatever the articles' length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash, MinHashLSH

from auditor.classify.registrable import domain_of
from auditor.models import Article, CrossPost, CrossPostMethod, Metadata

THRESHOLD = 0.7
MIN_SHINGLES = 20  # shorter texts are too short to tell a copy from a coincidence
_PERM = 128
_WORD = re.compile(r"\w+")
_SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=_PERM, scheme=_SCHEME).permutations  # shared: slow to build


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """What near-duplicate detection needs of one article: no links, no attributions."""

    source: str
    text: str
    metadata: Metadata
    near: tuple[CrossPost, ...] = ()  # its near-duplicate cross-posts as stored now


@dataclass(frozen=True, slots=True)
class _Entry:
    source: str
    metadata: Metadata
    near: tuple[CrossPost, ...]
    signature: LeanMinHash

    @property
    def order(self) -> tuple[str, str]:
        return (self.metadata.published or "9999-99-99", self.source)


def candidate(article: Article) -> Candidate:
    near = tuple(c for c in article.crossposts if c.method is CrossPostMethod.NEAR_DUPLICATE)
    return Candidate(source=article.source, text=article.text, metadata=article.metadata, near=near)


def shingles(text: str, k: int = 5) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]).encode() for i in range(max(0, len(words) - k + 1))}


def signature(text: str) -> LeanMinHash | None:
    """The MinHash of the text's word 5-shingles; None when the text is too short to judge."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=_PERM, permutations=_PERMUTATIONS, scheme=_SCHEME)
    mh.update_batch(list(found))
    return LeanMinHash(mh)


def near_duplicates(
    candidates: Iterable[Candidate], threshold: float = THRESHOLD
) -> dict[str, tuple[CrossPost, ...]]:
    """Sources whose near-duplicate cross-posts change, each with its new near-duplicate tuple.

    Only the later copy of a pair records the earlier one; an article that stopped matching
    anything maps to ``()`` so a stale record is removed.
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=_PERM)
    entries: list[_Entry] = []
    changed: dict[str, tuple[CrossPost, ...]] = {}
    for row in candidates:
        sig = signature(row.text)
        if sig is None:
            if row.near:
                changed[row.source] = ()  # now too short to judge: drop the old record
            continue
        lsh.insert(str(len(entries)), sig)
        entries.append(_Entry(row.source, row.metadata, row.near, sig))
    for entry in entries:
        found = _originals(entry, entries, lsh, threshold)
        if found != entry.near:
            changed[entry.source] = found
    return changed


def _originals(
    entry: _Entry, entries: list[_Entry], lsh: MinHashLSH, threshold: float
) -> tuple[CrossPost, ...]:
    found = []
    for key in lsh.query(entry.signature):
        other = entries[int(key)]
        if other.order >= entry.order:
            continue  # only the later copy records the earlier one (and never itself)
        similarity = round(float(entry.signature.jaccard(other.signature)), 3)
        if similarity >= threshold:
            found.append(_crosspost(other, similarity))
    return tuple(sorted(found, key=lambda c: (c.published or "", c.original_url or "")))


def _crosspost(original: _Entry, similarity: float) -> CrossPost:
    """The earlier copy named as a reader knows it, by outlet and headline; its address is
    its own URL, else its source (the report links that copy's own report)."""
    meta = original.metadata
    named = meta.outlet or meta.outlet_domain or "an unnamed outlet"
    title = f"“{meta.title}”" if meta.title else "an untitled article"
    dated = f", {meta.published}" if meta.published else ""
    return CrossPost(
        original_outlet=meta.outlet or meta.outlet_domain or meta.title,
        original_url=_own_address(meta) or original.source,
        published=meta.published,
        method=CrossPostMethod.NEAR_DUPLICATE,
        methods=(CrossPostMethod.NEAR_DUPLICATE,),
        outlet_domain=meta.outlet_domain,
        evidence=f"near-duplicate: {similarity:.0%} of the body text's word 5-shingles match {title} ({named}{dated})",
        similarity=similarity,
        title=meta.title,
    )


def _own_address(meta: Metadata) -> str | None:
    """The copy's own URL: a republished page's rel=canonical names the original's site."""
    for url in (meta.canonical_url, meta.og_url):
        if url and (meta.outlet_domain is None or domain_of(url) == meta.outlet_domain):
            return url
    return None
