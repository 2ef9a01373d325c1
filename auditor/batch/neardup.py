"""Undeclared cross-posts: articles that are copies of each other though no line says so.

MinHash over word 5-shingles of the body text, banded for LSH (14 bands of 9 values, the
banding datasketch picks for a 0.7 threshold), finds candidate pairs; the Jaccard estimate
of each pair decides. Copies with edited headers and footers still match because only the
body text is compared, and two different articles on the same site template do not, for
the same reason: the template is not body text. The earlier copy (by publication date, then
by source name so the result is stable) is recorded as the original of the later one.

Memory: nothing here holds the corpus. The batch keeps each article's 512-byte signature
and its 14 band keys in the database as it stores the article (:class:`NearDuplicates`),
and finds candidates with an indexed query, so an article's near-duplicates are known when
it is committed and the cost per article does not grow with the corpus.
:func:`near_duplicates` is the same rule over a whole corpus in memory, for tests and as
the reference the incremental path must agree with.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHash

from auditor.classify.registrable import domain_of
from auditor.models import Article, CrossPost, CrossPostMethod, Fingerprint, Metadata, NearUpdate

if TYPE_CHECKING:
    from auditor.store import Store

THRESHOLD = 0.7
MIN_SHINGLES = 20  # shorter texts are too short to tell a copy from a coincidence
PERM = 128
BANDS, ROWS = 14, 9  # datasketch's optimal banding for 128 permutations at 0.7
_WORD = re.compile(r"\w+")
_SCHEME = "affine32"  # values below 2**32: stored as 4 bytes each


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:  # shared: slow to build
    return MinHash(num_perm=PERM, scheme=_SCHEME).permutations  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """What whole-corpus detection needs of one article: no links, no attributions."""

    source: str
    text: str
    metadata: Metadata
    near: tuple[CrossPost, ...] = ()  # its near-duplicate cross-posts as stored now


def candidate(article: Article) -> Candidate:
    return Candidate(
        source=article.source, text=article.text, metadata=article.metadata, near=near_of(article)
    )


def near_of(article: Article) -> tuple[CrossPost, ...]:
    return tuple(c for c in article.crossposts if c.method is CrossPostMethod.NEAR_DUPLICATE)


def shingles(text: str, k: int = 5) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + k]).encode() for i in range(max(0, len(words) - k + 1))}


def signature(text: str) -> bytes | None:
    """The MinHash of the text's word 5-shingles; None when the text is too short to judge."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=PERM, permutations=_permutations(), scheme=_SCHEME)
    mh.update_batch(list(found))
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def buckets(minhash: bytes) -> tuple[int, ...]:
    """The article's LSH band keys: two articles sharing one are candidates. A key is 8 bytes
    of a hash of (band, its 9 values), so a rare collision only adds a candidate to judge."""
    width = ROWS * 4
    out = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            minhash[band * width : (band + 1) * width], digest_size=8, person=b"band%d" % band
        )
        out.append(int.from_bytes(digest.digest(), "little", signed=True))
    return tuple(out)


def similarity(a: bytes, b: bytes) -> float:
    """The Jaccard estimate: the share of MinHash values the two signatures have in common."""
    same = np.count_nonzero(np.frombuffer(a, dtype="<u4") == np.frombuffer(b, dtype="<u4"))
    return round(float(same) / PERM, 3)


def _order(source: str, meta: Metadata) -> tuple[str, str]:
    return (meta.published or "9999-99-99", source)


def originals(
    me: Fingerprint, others: Iterable[Fingerprint], threshold: float = THRESHOLD
) -> tuple[CrossPost, ...]:
    """The near-duplicate cross-posts of ``me``: every earlier candidate similar enough."""
    mine = _order(me.source, me.metadata)
    found = []
    for other in others:
        if other.source == me.source or _order(other.source, other.metadata) >= mine:
            continue  # only the later copy records the earlier one (and never itself)
        score = similarity(me.minhash, other.minhash)
        if score >= threshold:
            found.append(_crosspost(other, score))
    return tuple(sorted(found, key=lambda c: (c.published or "", c.original_url or "")))


def near_duplicates(
    candidates: Iterable[Candidate], threshold: float = THRESHOLD
) -> dict[str, tuple[CrossPost, ...]]:
    """Sources whose near-duplicate cross-posts change, each with its new near-duplicate tuple.

    Only the later copy of a pair records the earlier one; an article that stopped matching
    anything maps to ``()`` so a stale record is removed. Holds every signature in memory.
    """
    index: dict[int, list[int]] = {}
    entries: list[tuple[Fingerprint, tuple[CrossPost, ...]]] = []
    changed: dict[str, tuple[CrossPost, ...]] = {}
    for row in candidates:
        sig = signature(row.text)
        if sig is None:
            if row.near:
                changed[row.source] = ()  # now too short to judge: drop the old record
            continue
        for key in buckets(sig):
            index.setdefault(key, []).append(len(entries))
        entries.append((Fingerprint(source=row.source, metadata=row.metadata, minhash=sig), row.near))
    for entry, near in entries:
        peers = {i for key in buckets(entry.minhash) for i in index[key]}
        found = originals(entry, (entries[i][0] for i in sorted(peers)), threshold)
        if found != near:
            changed[entry.source] = found
    return changed


class NearDuplicates:
    """Near-duplicate records kept right as articles are committed, by indexed queries.

    For an article ``X`` about to be stored, :meth:`prepare` returns ``X`` with its
    near-duplicate cross-posts and the update to commit in the same transaction: its
    signature and band keys, and the new records of every article ``X`` changes. Those are
    among the articles sharing a band key with ``X``'s new signature or with the one it
    replaces, since a record only ever names a candidate; nothing else can change, so the
    records end the same whatever order the articles are committed in.
    """

    def __init__(self, store: Store, threshold: float = THRESHOLD) -> None:
        self.store, self.threshold = store, threshold

    def prepare(self, article: Article, minhash: bytes | None) -> tuple[Article, NearUpdate]:
        source = article.source
        known, old = self.store.stored_minhash(source)
        keys = buckets(minhash) if minhash else ()
        me = Fingerprint(source=source, metadata=article.metadata, minhash=minhash) if minhash else None
        peers = self.store.fingerprints(keys, besides=source)
        mine = originals(me, peers, self.threshold) if me else ()
        if known:  # re-audited (or stored unsigned): whoever matched the old text may change too
            stale = buckets(old) if old else ()
            peers += [f for f in self.store.fingerprints(stale, besides=source) if f not in peers]
            changed = self._changed(me, keys, peers, everyone=True)
        else:
            stale = ()
            changed = self._changed(me, keys, peers, everyone=False)
        kept = tuple(c for c in article.crossposts if c.method is not CrossPostMethod.NEAR_DUPLICATE)
        update = NearUpdate(minhash=minhash, buckets=keys, near=changed, stale_buckets=stale)
        return replace(article, crossposts=kept + mine), update

    def _changed(
        self, me: Fingerprint | None, keys: tuple[int, ...], peers: list[Fingerprint], *, everyone: bool
    ) -> tuple[tuple[str, tuple[CrossPost, ...]], ...]:
        """The peers whose records change; a new article only changes the later copies it matches."""
        out = []
        for peer in peers:
            if not everyone and (me is None or not _records(peer, me, self.threshold)):
                continue
            found = self._originals_of(peer, me, keys)
            if found != self.store.stored_near(peer.source):
                out.append((peer.source, found))
        return tuple(out)

    def _originals_of(
        self, peer: Fingerprint, me: Fingerprint | None, keys: tuple[int, ...]
    ) -> tuple[CrossPost, ...]:
        """``peer``'s records with ``me`` in place of what the database holds for its source."""
        theirs = buckets(peer.minhash)
        others = [
            f
            for f in self.store.fingerprints(theirs, besides=peer.source)
            if me is None or f.source != me.source
        ]
        if me is not None and set(theirs) & set(keys):
            others.append(me)
        return originals(peer, others, self.threshold)

    def backfill(self, on_changed: Callable[[str], None] | None = None, page: int = 200) -> int:
        """Sign every stored article that has no signature, or a stale one; returns how many.

        Articles stored by ``auditor audit`` or by an older version, streamed ``page`` at a
        time; ``on_changed`` hears of each article whose records changed (its report is stale).
        """
        done = 0
        while rows := self.store.unsigned(page):
            for source, text in rows:
                stored = self.store.audit_of(source)
                if stored is None:
                    raise AssertionError(f"{source} vanished while being signed")
                updated, update = self.prepare(stored.article, signature(text))
                mine = near_of(updated)
                changes = ((source, mine),) if mine != near_of(stored.article) else ()
                self.store.save_near(source, replace(update, near=changes + update.near))
                for changed, _ in changes + update.near:
                    if on_changed is not None:
                        on_changed(changed)
                done += 1
        return done


def _records(later: Fingerprint, earlier: Fingerprint, threshold: float) -> bool:
    """True when ``later`` records ``earlier`` as its original."""
    if _order(earlier.source, earlier.metadata) >= _order(later.source, later.metadata):
        return False
    return similarity(later.minhash, earlier.minhash) >= threshold


def _crosspost(original: Fingerprint, score: float) -> CrossPost:
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
        evidence=f"near-duplicate: {score:.0%} of the body text's word 5-shingles match {title} ({named}{dated})",
        similarity=score,
        title=meta.title,
    )


def _own_address(meta: Metadata) -> str | None:
    """The copy's own URL: a republished page's rel=canonical names the original's site."""
    for url in (meta.canonical_url, meta.og_url):
        if url and (meta.outlet_domain is None or domain_of(url) == meta.outlet_domain):
            return url
    return None
