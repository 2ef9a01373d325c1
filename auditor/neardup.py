"""Undeclared cross-posts: articles that are copies of each other though no line says so.

MinHash over word 5-shingles of the body text with LSH (datasketch) finds candidate pairs in
near-linear time; the Jaccard estimate of each pair decides. Copies with edited headers and
footers still match because only the body text is compared. The earlier copy (by publication
date, then by source name so the result is stable) is recorded as the original of the later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash, MinHashLSH

from auditor.models import Article, CrossPost, CrossPostMethod

THRESHOLD = 0.7
_PERM = 128
_WORD = re.compile(r"\w+")


def _shingles(text: str, k: int = 5) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]).encode() for i in range(max(0, len(words) - k + 1))}


def _minhash(shingles: set[bytes]) -> MinHash:
    mh = MinHash(num_perm=_PERM)
    mh.update_batch(list(shingles))
    return mh


def _order(a: Article) -> tuple[str, str]:
    return (a.metadata.published or "9999-99-99", a.source)


def near_duplicates(articles: Sequence[Article], threshold: float = THRESHOLD) -> dict[str, tuple[CrossPost, ...]]:
    """For each article whose near-duplicate cross-posts change: its new cross-post tuple."""
    lsh = MinHashLSH(threshold=threshold, num_perm=_PERM)
    hashes: dict[int, MinHash] = {}
    for i, article in enumerate(articles):
        shingles = _shingles(article.text)
        if len(shingles) < 20:  # too short to tell a copy from a coincidence
            continue
        hashes[i] = _minhash(shingles)
        lsh.insert(str(i), hashes[i])
    found: dict[int, list[CrossPost]] = {}
    for i, mh in hashes.items():
        for key in lsh.query(mh):
            j = int(key)
            if j == i or _order(articles[j]) >= _order(articles[i]):
                continue  # only the later copy records the earlier one
            similarity = round(mh.jaccard(hashes[j]), 3)
            if similarity < threshold:
                continue
            original = articles[j]
            found.setdefault(i, []).append(
                CrossPost(
                    original_outlet=original.metadata.outlet or original.metadata.title,
                    original_url=original.metadata.canonical_url or original.source,
                    published=original.metadata.published,
                    method=CrossPostMethod.NEAR_DUPLICATE,
                    methods=(CrossPostMethod.NEAR_DUPLICATE,),
                    outlet_domain=original.metadata.outlet_domain,
                    evidence=f"{similarity:.0%} of the body text's word 5-shingles match {original.source}",
                    similarity=similarity,
                )
            )
    changed: dict[str, tuple[CrossPost, ...]] = {}
    for i, article in enumerate(articles):
        kept = tuple(c for c in article.crossposts if c.method is not CrossPostMethod.NEAR_DUPLICATE)
        new = kept + tuple(sorted(found.get(i, []), key=lambda c: c.published or ""))
        if new != article.crossposts:
            changed[article.source] = new
    return changed
