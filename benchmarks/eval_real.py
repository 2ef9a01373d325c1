"""The auditor beside trafilatura on real pages: title, authors, outlet, date and body links.

Run: ``make bench`` or ``.venv/bin/python benchmarks/eval_real.py [--misses] [--only ID]``.
Needs ``../shared/devset`` (see its README); without it, says so and exits 0.

Both tools run in this one process over the same bytes, one page after the other, and are
scored by the same rules:

- **Pages.** ``readability/``: real saved pages, parsed with the labels' page URL as base;
  Readability's small hand-written unit-test pages (``synthetic``) are scored apart.
  ``reposts/``: text exports of reposted articles; trafilatura gets the text as it is.
- **Scored only where there is a label.** A page without a labelled title, byline, outlet or
  date does not count for that field (a null label means Readability found none, not that
  the page has none), so the figures are accuracies over labelled pages.
- **Title**: both sides NFKC-normalised, case-folded, quotes and dashes unified, whitespace
  collapsed, outer punctuation stripped; *exact* is equality. *title* also accepts a title
  that equals the label's leading or trailing segments, or whose own leading or trailing
  segments equal the label (segments after a separator: `` | `` `` - `` `` — `` `` : ``
  `` » `` ``_`` ``[Site]``), because Readability keeps site and author segments on some pages
  and strips them on others: which one a page gets is the labeller's habit, not a property of
  the page. Both tools are held to the same rule.
- **Authors**: every name joined, reduced to name tokens (letters only; URLs, parenthesised
  parts, one-letter initials, "by/par/von/written/posted", role words, post-nominals and
  month names dropped); a label's first line only (the lines after it are a role or a desk:
  "By A. Writer / Health News"). A page is right when token F1 >= 0.8 (so one missing middle name of three still
  counts, a missing co-author does not). Labels with no name token left ("Follow Author",
  "Last Updated: January 7, 2025") are not scored.
- **Outlet**: case-folded, a leading "the", a ``www.`` and a top-level domain dropped,
  punctuation removed; right when equal, or when one is a contiguous run of the other's words
  (a tagline or a legal suffix on either side).
- **Published**: the date part (``YYYY-MM-DD``) of the label as written, local to the page,
  against the tool's date.
- **Body links**: per page, the *set* of web links (http/https, resolved against the page URL,
  normalised and compared without fragment or tracking parameters); links back to the page
  itself are left out on both sides. Micro-averaged precision, recall and F1 over all pages
  (the main figure; link-heavy pages weigh more) and the macro F1 (each page equal) beside.
  Readability's link list is an approximate label (it keeps some byline and related links).
- **Reposts**: title where the scraped title is written in the export's first 15 lines,
  authors where a scraped author name is written in the export.
- **Cross-post chains** (auditor only: no other tool finds them): the hand-labelled sample in
  ``benchmarks/data/reposts-chains.json`` (its ``about`` says how it was drawn). A predicted
  step matches a labelled one, one to one, when their outlet names agree (the same words
  once case, "the", punctuation and corporate suffixes are dropped, one name contained in
  the other, or one written as the other's domain) or when the step's domain is the domain
  of the label's URL. Step precision and recall over all files; a chain is *exact* when its
  steps match in order and nothing else is predicted; *own rights* counts predicted steps
  that are the copy's own site (its domain's name), which must be none. The chains found on
  the readability pages (original publications nearly all) are listed after the table: each
  should be a credit the page really carries, never the site's own rights line.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEVSET = ROOT.parent / "shared" / "devset"

# --------------------------------------------------------------------------- matching rules

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_TITLE_SEP = re.compile(r"\s+(?:[|:»·–—-]|::)\s+|_(?=\S)|\s+(?=\[[^\]]+\]$)")


def norm_title(s: str | None) -> str:
    s = unicodedata.normalize("NFKC", s or "").translate(_QUOTES).casefold()
    return " ".join(s.split()).strip(" .,;:!?\"'-|")


def title_variants(s: str | None) -> set[str]:
    """The title, and every run of its separator-delimited segments that starts or ends it."""
    raw = unicodedata.normalize("NFKC", s or "").translate(_QUOTES)
    out = {norm_title(raw)}
    for sep in _TITLE_SEP.finditer(raw):
        out.add(norm_title(raw[: sep.start()]))
        out.add(norm_title(raw[sep.end() :]))
    out.discard("")
    return out


def title_match(pred: str | None, gold: str | None) -> tuple[bool, bool]:
    """(exact, allowing site segments)."""
    exact = bool(pred) and norm_title(pred) == norm_title(gold)
    if exact:
        return True, True
    p, g = title_variants(pred), title_variants(gold)
    return False, bool(pred) and (norm_title(pred) in g or norm_title(gold) in p)


_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_NOT_NAME = frozenset(
    "by par von por di da and et und y og the written posted updated last published follow author "
    "authors staff writer reporter editor contributor contributors correspondent senior special "
    "columnist guest photos photo text words team news desk am pm phd md ma mba msc rn".split()
    + _MONTHS
)


def name_tokens(s: str | None) -> set[str]:
    s = unicodedata.normalize("NFKC", s or "").casefold()
    s = re.sub(r"https?://\S+|\([^)]*\)|\[[^\]]*\]", " ", s)
    tokens = re.findall(r"[^\W\d_]+", s)
    return {t for t in tokens if len(t) > 1 and t not in _NOT_NAME}


def authors_match(pred: Iterable[str], gold: str | None) -> bool | None:
    lines = [ln for ln in (gold or "").splitlines() if ln.strip()]
    g = name_tokens(lines[0] if lines else "")
    if not g:
        return None
    p = name_tokens(" ".join(pred))
    hit = len(p & g)
    if not hit:
        return False
    precision, recall = hit / len(p), hit / len(g)
    return 2 * precision * recall / (precision + recall) >= 0.8


def _outlet_words(s: str) -> list[str]:
    s = unicodedata.normalize("NFKC", s).casefold().strip()
    s = re.sub(r"^https?://", "", s)
    s = re.sub(r"^www\.", "", s)
    s = re.sub(r"\.(com|org|net|co\.uk|fr|de|cz|es|it|ru|cn|in|io)$", "", s)
    words = re.findall(r"[^\W_]+", s)
    return words[1:] if words[:1] == ["the"] else words


def outlet_match(pred: str | None, gold: str | None) -> bool | None:
    g = _outlet_words(gold or "")
    if not g:
        return None
    p = _outlet_words(pred or "")
    if not p:
        return False
    short, long_ = (p, g) if len(p) <= len(g) else (g, p)
    return any(long_[i : i + len(short)] == short for i in range(len(long_) - len(short) + 1))


def date_part(s: str | None) -> str | None:
    m = re.match(r"\s*(\d{4}-\d{2}-\d{2})", s or "")
    return m.group(1) if m else None


def link_key(href: str, page_url: str) -> str | None:
    from auditor.urls import BadURL, check_key, normalise

    try:
        url = check_key(normalise(urljoin(page_url, href.strip())))
    except (BadURL, ValueError):
        return None
    return None if url == check_key(normalise(page_url)) else url


# --------------------------------------------------------------------------- the two tools


@dataclass
class Found:
    title: str | None = None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    published: str | None = None
    links: set[str] = field(default_factory=set)
    seconds: float = 0.0


def run_auditor(path: Path, page_url: str | None) -> Found:
    from auditor.pipeline import extract_path

    start = time.perf_counter()
    article = extract_path(path, base_url=page_url)
    elapsed = time.perf_counter() - start
    m = article.metadata
    links = {
        key
        for lk in article.links
        if lk.region.value == "body" and lk.kind.value == "web" and page_url
        for key in [link_key(lk.url, page_url)]
        if key
    }
    return Found(m.title, m.authors, m.outlet, m.published, links, elapsed)


def run_trafilatura(path: Path, page_url: str | None) -> Found:
    import trafilatura

    data = path.read_bytes()
    start = time.perf_counter()
    doc = trafilatura.bare_extraction(data, url=page_url, include_links=True, with_metadata=True)
    elapsed = time.perf_counter() - start
    if doc is None:
        return Found(seconds=elapsed)
    links: set[str] = set()
    body = getattr(doc, "body", None)
    if body is not None and page_url:
        for ref in body.iter("ref"):
            key = link_key(ref.get("target", ""), page_url)
            if key:
                links.add(key)
    authors = tuple(a.strip() for a in re.split(r";", doc.author or "") if a.strip())
    return Found(doc.title, authors, doc.sitename, doc.date, links, elapsed)


TOOLS: dict[str, Callable[[Path, str | None], Found]] = {
    "auditor": run_auditor,
    "trafilatura": run_trafilatura,
}

# --------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    right: int = 0
    scored: int = 0

    def add(self, ok: bool | None) -> None:
        if ok is not None:
            self.scored += 1
            self.right += bool(ok)

    def __str__(self) -> str:
        return f"{self.right / self.scored:.3f}" if self.scored else "  -  "


@dataclass
class LinkTally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    page_f1: list[float] = field(default_factory=list)

    def add(self, pred: set[str], gold: set[str]) -> None:
        tp = len(pred & gold)
        self.tp, self.fp, self.fn = self.tp + tp, self.fp + len(pred - gold), self.fn + len(gold - pred)
        if pred or gold:
            self.page_f1.append(2 * tp / (len(pred) + len(gold)))

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / max(1, self.tp + self.fp)
        r = self.tp / max(1, self.tp + self.fn)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def macro(self) -> float:
        return sum(self.page_f1) / max(1, len(self.page_f1))


@dataclass
class Score:
    title: Tally = field(default_factory=Tally)
    title_exact: Tally = field(default_factory=Tally)
    authors: Tally = field(default_factory=Tally)
    outlet: Tally = field(default_factory=Tally)
    published: Tally = field(default_factory=Tally)
    links: LinkTally = field(default_factory=LinkTally)
    seconds: float = 0.0
    pages: int = 0
    errors: list[str] = field(default_factory=list)


def _miss(misses: list[str], tool: str, page: str, fieldname: str, pred: Any, gold: Any) -> None:
    misses.append(f"{page:<32} {tool:<11} {fieldname:<9} got {pred!r}  want {gold!r}")


def score_readability(
    devset: Path, only: str | None, misses: list[str] | None
) -> tuple[dict[str, Score], dict[str, Score]]:
    real = {t: Score() for t in TOOLS}
    synthetic = {t: Score() for t in TOOLS}
    for folder in sorted(p for p in (devset / "readability").iterdir() if p.is_dir()):
        if only and only not in folder.name:
            continue
        label = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        page_url = label["page_url"]
        gold_links = {k for bl in label.get("body_links", []) for k in [link_key(bl["href"], page_url)] if k}
        for tool, run in TOOLS.items():
            sc = (synthetic if label.get("synthetic") else real)[tool]
            try:
                found = run(folder / "source.html", page_url)
            except Exception as exc:  # a tool that fails on a page scores nothing on it
                sc.errors.append(f"{folder.name}: {type(exc).__name__}: {exc}"[:200])
                found = Found()
            sc.pages += 1
            sc.seconds += found.seconds
            exact, lenient = title_match(found.title, label.get("title"))
            if label.get("title"):
                sc.title_exact.add(exact)
                sc.title.add(lenient)
            a_ok = authors_match(found.authors, label.get("byline"))
            o_ok = outlet_match(found.outlet, label.get("site_name"))
            gold_date = date_part(label.get("published_time"))
            d_ok = None if gold_date is None else date_part(found.published) == gold_date
            sc.authors.add(a_ok)
            sc.outlet.add(o_ok)
            sc.published.add(d_ok)
            sc.links.add(found.links, gold_links)
            if misses is None or label.get("synthetic"):
                continue
            name = folder.name
            if label.get("title") and not lenient:
                _miss(misses, tool, name, "title", found.title, label["title"])
            if a_ok is False:
                _miss(misses, tool, name, "authors", found.authors, label["byline"])
            if o_ok is False:
                _miss(misses, tool, name, "outlet", found.outlet, label["site_name"])
            if d_ok is False:
                _miss(misses, tool, name, "published", found.published, gold_date)
            for u in sorted(found.links - gold_links):
                misses.append(f"{name:<32} {tool:<11} link+    {u}")
            for u in sorted(gold_links - found.links):
                misses.append(f"{name:<32} {tool:<11} link-    {u}")
    return real, synthetic


def score_reposts(devset: Path, only: str | None, misses: list[str] | None) -> dict[str, Score]:
    scores = {t: Score() for t in TOOLS}
    folder = devset / "reposts"
    for line in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if only and only not in row["file"]:
            continue
        path = folder / row["file"]
        text = path.read_text(encoding="utf-8", errors="replace")
        head = "\n".join(text.splitlines()[:15])
        gold_title = (
            row["title"] if row.get("title") and norm_title(row["title"]) in norm_title(head) else None
        )
        names = [a.strip() for a in (row.get("authors") or "").split(",") if a.strip()]
        gold_authors = ", ".join(n for n in names if n in text) or None
        for tool, run in TOOLS.items():
            sc = scores[tool]
            try:
                found = run(path, None)
            except Exception as exc:
                sc.errors.append(f"{row['file']}: {type(exc).__name__}: {exc}"[:200])
                found = Found()
            sc.pages += 1
            sc.seconds += found.seconds
            if gold_title:
                exact, lenient = title_match(found.title, gold_title)
                sc.title_exact.add(exact)
                sc.title.add(lenient)
                if misses is not None and not lenient:
                    _miss(misses, tool, row["file"], "title", found.title, gold_title)
            a_ok = authors_match(found.authors, gold_authors)
            sc.authors.add(a_ok)
            if misses is not None and a_ok is False:
                _miss(misses, tool, row["file"], "authors", found.authors, gold_authors)
    return scores


_CORPORATE = frozenset(
    "inc llc ltd limited pvt plc gmbh ag sa co company corp corporation group media network publishing "
    "communications newspapers digital holdings".split()
)


def _outlet_key(name: str | None) -> str:
    """Words of an outlet name without "the", years, punctuation or a corporate suffix (the
    scorer's own rule, independent of the auditor's code)."""
    text = re.sub(r"^(?:https?://)?(?:www\.)?", "", name or "").split("/")[0]
    words = re.findall(r"[^\W_]+", re.sub(r"\b(?:19|20)\d{2}\b", " ", text).casefold())
    words = words[1:] if words[:1] == ["the"] else words
    while len(words) > 1 and words[-1] in _CORPORATE:
        words.pop()
    return " ".join(words)


def _step_match(pred_name: str | None, pred_domain: str | None, gold: dict[str, Any]) -> bool:
    from auditor.classify.registrable import domain_of

    p, g = _outlet_key(pred_name), _outlet_key(gold["outlet"])
    if p and g and (p == g or f" {p} " in f" {g} " or f" {g} " in f" {p} "):
        return True
    pf, gf = p.replace(" ", ""), g.replace(" ", "")
    gold_domain = domain_of(gold["url"]) if gold.get("url") else None
    if pf and gold_domain and pf == gold_domain.split(".")[0].replace("-", ""):
        return True  # "harveyorganblog" for a label whose URL is on harveyorganblog.com
    if (
        gf
        and pred_domain
        and gf in {pred_domain.split(".")[0].replace("-", ""), pred_domain.replace(".", "")}
    ):
        return True
    if pf and gf and (pf == gf or pf in gf or gf in pf) and min(len(pf), len(gf)) >= 4:
        return True
    return bool(pred_domain and gold.get("url") and domain_of(gold["url"]) == pred_domain)


@dataclass
class ChainTally:
    tp_pred: int = 0
    tp_gold: int = 0
    predicted: int = 0
    gold: int = 0
    exact: int = 0
    files: int = 0
    own: int = 0


def score_chains(devset: Path, only: str | None, misses: list[str] | None) -> ChainTally | None:
    from auditor.classify.registrable import domain_of
    from auditor.pipeline import extract_path

    labels_file = ROOT / "benchmarks" / "data" / "reposts-chains.json"
    if not labels_file.exists():
        return None
    tally = ChainTally()
    for label in json.loads(labels_file.read_text(encoding="utf-8"))["labels"]:
        if only and only not in label["file"]:
            continue
        chain = extract_path(devset / "reposts" / label["file"], base_url=label["url"]).crossposts
        gold = label["chain"]
        pairs = [(c.original_outlet, c.outlet_domain) for c in chain]
        used: set[int] = set()
        hits = 0
        for name, domain in pairs:
            j = next((j for j, g in enumerate(gold) if j not in used and _step_match(name, domain, g)), None)
            if j is not None:
                used.add(j)
                hits += 1
            elif misses is not None:
                misses.append(f"{label['file']:<32} chain+   {name!r} ({domain})")
        if misses is not None:
            for j, g in enumerate(gold):
                if j not in used:
                    misses.append(f"{label['file']:<32} chain-   {g['outlet']!r}  {g['evidence'][:70]!r}")
        order = [next((j for j, g in enumerate(gold) if _step_match(n, d, g)), -1) for n, d in pairs]
        tally.files += 1
        tally.predicted += len(pairs)
        tally.gold += len(gold)
        tally.tp_pred += hits
        tally.tp_gold += len(used)
        tally.exact += len(pairs) == len(gold) == hits and order == sorted(order)
        own = domain_of(label["url"])
        tally.own += sum(1 for _, d in pairs if d and d == own)
    return tally


def readability_chains(devset: Path) -> list[str]:
    """Pages of readability/ (originals, nearly all) for which the auditor finds a chain."""
    from auditor.pipeline import extract_path

    out = []
    for folder in sorted(p for p in (devset / "readability").iterdir() if p.is_dir()):
        label = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        article = extract_path(folder / "source.html", base_url=label["page_url"])
        out.extend(f"{folder.name}: {c.original_outlet} ({c.method})" for c in article.crossposts)
    return out


def _chain_table(t: ChainTally) -> list[str]:
    p = t.tp_pred / max(1, t.predicted)
    r = t.tp_gold / max(1, t.gold)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return [
        "\nCross-post chains (benchmarks/data/reposts-chains.json, labelled by hand)",
        "| files | labelled steps | predicted steps | step P | step R | step F1 | chains exact | own rights as original |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        f"| {t.files} | {t.gold} | {t.predicted} | {p:.3f} | {r:.3f} | {f1:.3f} | {t.exact / max(1, t.files):.3f} | {t.own} |",
    ]


# --------------------------------------------------------------------------- report


def _table(title: str, scores: dict[str, Score], links: bool = True) -> list[str]:
    tools = list(scores)
    first = scores[tools[0]]
    out = [f"\n{title}", f"| field | n | {' | '.join(tools)} |", "| --- | --- |" + " --- |" * len(tools)]

    def row(name: str, get: Callable[[Score], Tally]) -> None:
        n = get(first).scored
        if n:
            out.append(f"| {name} | {n} | " + " | ".join(str(get(scores[t])) for t in tools) + " |")

    row("title", lambda s: s.title)
    row("title (exact)", lambda s: s.title_exact)
    row("authors", lambda s: s.authors)
    row("outlet", lambda s: s.outlet)
    row("published", lambda s: s.published)
    if links and first.links.page_f1:
        for i, name in enumerate(("body links P", "body links R", "body links F1")):
            out.append(
                f"| {name} | {first.links.tp + first.links.fn} | "
                + " | ".join(f"{scores[t].links.prf()[i]:.3f}" for t in tools)
                + " |"
            )
        out.append(
            f"| body links F1 (macro) | {len(first.links.page_f1)} | "
            + " | ".join(f"{scores[t].links.macro():.3f}" for t in tools)
            + " |"
        )
    out.append(
        f"| ms per page | {first.pages} | "
        + " | ".join(f"{1000 * scores[t].seconds / max(1, scores[t].pages):.1f}" for t in tools)
        + " |"
    )
    for t in tools:
        for err in scores[t].errors[:5]:
            out.append(f"  {t} error: {err}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET, help="the shared devset folder")
    parser.add_argument("--misses", action="store_true", help="list every miss, page by page")
    parser.add_argument("--only", help="score only pages whose folder or file name contains this")
    parser.add_argument("--set", choices=("all", "readability", "reposts", "chains"), default="all")
    args = parser.parse_args(argv)
    if not (args.devset / "readability").is_dir():
        print(f"eval_real: {args.devset} not found; skipped (the devset lives in ../shared/devset)")
        return 0
    try:
        import trafilatura  # noqa: F401
    except ImportError:
        print("eval_real: trafilatura is not installed (pip install -e '.[bench]'); skipped")
        return 0
    misses: list[str] | None = [] if args.misses else None
    lines: list[str] = []
    if args.set in {"all", "readability"}:
        real, synthetic = score_readability(args.devset, args.only, misses)
        lines += _table("Real pages (readability/, non-synthetic)", real)
        lines += _table("Readability's hand-written test pages (synthetic)", synthetic)
    if args.set in {"all", "reposts"}:
        lines += _table("Text exports (reposts/)", score_reposts(args.devset, args.only, misses), links=False)
    if args.set in {"all", "reposts", "chains"}:
        chains = score_chains(args.devset, args.only, misses)
        if chains is not None:
            lines += _chain_table(chains)
            found = readability_chains(args.devset)
            lines.append(
                f"chains found on the {len(list((args.devset / 'readability').iterdir()))} readability pages: {len(found)}"
            )
            lines.extend(f"  {f}" for f in found)
    if misses:
        print("\n".join(misses))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
