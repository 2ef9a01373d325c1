"""Derive ``auditor/classify/data/perennial-sources.csv`` from the shared Wikipedia extract.

Usage: ``python scripts/build_perennial.py [SRC_CSV] [OUT_CSV]``

The source is the English Wikipedia page "Wikipedia:Reliable sources/Perennial sources"
(2021-03-17, CC BY-SA 3.0, compiled by Kudusch/wikipedia-perennial-sources). Its ``urls``
field is messy: infobox links, Wikidata and Library of Congress pages, edit links, deep pages
of other sites. We keep a registrable domain only when it looks like the outlet's own site:

- a bare host (no path) is kept unless it belongs to a catalogue or reference site;
- a deep page is kept only when its domain also appears bare, or its label resembles the
  outlet's name ("www.rt.com/on-air" -> rt.com; "www.sceptiques.qc.ca/quackwatch" -> dropped).

One output row per domain; several Wikipedia entries for one site (Fox News has three) are
joined, with each entry's scope kept in ``status``. ``news_like`` is our own judgement, made
from the entry's text (anything not described as user-generated, self-published, a wiki, a
database, a think tank...) and a short list of overrides, of whether the site is a news outlet:
the classifier uses the list as a fallback ``news`` category only where it says ``yes``.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.classify.registrable import registrable_domain

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT.parent / "shared" / "data" / "wikipedia-perennial-sources-2021-03-17.csv"
OUT = ROOT / "auditor" / "classify" / "data" / "perennial-sources.csv"

HEADER = """\
# Derived from the English Wikipedia page "Wikipedia:Reliable sources/Perennial sources"
# (https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources) as of 2021-03-17,
# compiled by the public repository Kudusch/wikipedia-perennial-sources.
# Licence: Creative Commons Attribution-ShareAlike 3.0 (CC BY-SA 3.0),
# https://creativecommons.org/licenses/by-sa/3.0/ . Changes: domains validated and reduced to
# registrable domains, entries merged per domain, aliases split from names, news_like added.
# Rebuild with scripts/build_perennial.py. This file stays under CC BY-SA 3.0.
"""

# Catalogue, search and reference hosts that infoboxes link to but that are never the outlet.
NOT_OUTLET = frozenset(
    {
        "wikipedia.org", "wikidata.org", "wiktionary.org", "wikisource.org", "loc.gov",
        "nih.gov", "jstor.org", "scopus.com", "issn.org", "cas.org", "ams.org", "github.io",
        "toolforge.org", "nasdaq.com", "nyse.com", "ub.edu", "psu.edu", "washington.edu",
        "fubo.tv", "hotstar.com", "youtube.com", "google.com",
    }
)  # fmt: skip

NOT_NEWS_WORDS = re.compile(
    r"user-generated|self-published|open wiki|genealog|Q&A|database|press release|think tank|"
    r"advocacy (group|organization)|fact-checking (website|organization)|study guide|review aggregat|repository|"
    r"social network|blog hosting|preprint|journals|content farm|encyclop|tertiary source|"
    r"print-on-demand|apologia|Internet forum|volunteer-contributed|video platform|self-publishing|"
    r"biographical database",
    re.I,
)
# Our judgement where the text misleads the patterns above (domain -> news_like).
OVERRIDES = {
    "theamericanconservative.com": True, "mondoweiss.net": True, "fair.org": False,
    "mediamatters.org": False, "mrc.org": False, "splcenter.org": False, "adl.org": False,
    "pewresearch.org": False, "poynter.org": False, "commonsensemedia.org": False,
    "history.com": False, "biography.com": False, "eonline.com": True, "tvguide.com": False,
    "metacritic.com": False, "rottentomatoes.com": False, "rhythmone.com": False,
    "dotdash.com": False, "investopedia.com": False, "ballotpedia.org": False,
    "parliament.uk": False, "thegreenpapers.com": False, "guinnessworldrecords.com": False,
    "celebritynetworth.com": False, "famousbirthdays.com": False, "heremedia.com": False,
    "playboyenterprises.com": False, "dan-abrams.com": False, "examiner.com": True,
    "wikileaks.org": False, "wikinews.org": False, "worldometers.info": False,
    "sciencebasedmedicine.org": False, "skepdic.com": False, "quackwatch.org": False,
    "memri.org": False, "hopenothate.org.uk": False, "cesnur.org": False, "jihadwatch.org": False,
    "jewishvirtuallibrary.org": False, "vdare.com": True, "campaignlifecoalition.com": True,
    "order-order.com": True, "thecanary.co": True, "skwawkbox.org": True, "zerohedge.com": True,
    "patheos.com": False, "scienceblogs.com": False, "boingboing.net": True, "gawker.com": True,
    "counterpunch.org": True, "thetruthaboutguns.com": True, "venezuelanalysis.com": True,
    "voltairenet.org": True, "cepr.net": False, "cato.org": False, "debretts.com": False,
    "burkespeerage.com": False, "marquiswhoswho.com": False, "ukwhoswho.com": False,
    "adfontesmedia.com": False, "mediabiasfactcheck.com": False, "city-data.com": False,
    "softpedia.com": False, "mylife.com": False, "zoominfo.com": False, "ama-assn.org": False,
    "jamanetwork.com": False, "bbc.com": True, "cnn.com": True, "electronicintifada.net": True,
    "entrepreneur.com": True, "ijr.org": True, "nypost.com": True, "opindia.com": True,
    "swarajyamag.com": True, "theepochtimes.com": True, "thehill.com": True, "wnd.com": True,
    "dailykos.com": True, "rappler.com": True, "reuters.com": True, "theintercept.com": True, "snopes.com": False, "politifact.com": False, "theneedledrop.com": False, "crunchbase.com": False, "ign.com": True, "sherdog.com": True, "idolator.com": True,
}  # fmt: skip
SPELLED = re.compile(r"^(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
QUALIFIER = re.compile(
    r"^(UK|US|[a-z].*|.*\b(topics|politics|present|excluding|shows|content|reviews|pre-\d{4}|"
    r"\d{4}–present)\b.*)$"
)


def split_name(raw: str) -> tuple[str, list[str], list[str]]:
    """``"RT (Russia Today)"`` -> (``RT``, [``Russia Today``], []); qualifiers kept apart."""
    aliases: list[str] = []
    qualifiers: list[str] = []
    for group in re.findall(r"\(([^()]*)\)", raw):
        if QUALIFIER.match(group.strip()):
            qualifiers.append(group.strip())
        else:
            aliases.extend(a.strip() for a in group.split(",") if a.strip())
    base = re.sub(r"\s*\([^()]*\)", "", raw).strip()
    return base, aliases, qualifiers


def _host_and_path(url: str) -> tuple[str, str]:
    url = re.sub(r"^(https?:)?//", "", url.strip().lower())
    host, _, rest = url.partition("/")
    path = "/" + rest if rest else ""
    if "?" in host or "#" in host:
        host = re.split(r"[?#]", host)[0]
        path = path or "?"
    return host, path


def _resembles(domain: str, name: str) -> bool:
    label = re.sub(r"[^a-z0-9]", "", domain.split(".")[0])
    squashed = re.sub(r"[^a-z0-9]", "", name.lower())
    return len(label) >= 3 and (label in squashed or squashed in label)


def domains_for(urls: list[str], name: str) -> list[str]:
    """The registrable domains among an entry's URLs that look like the outlet's own site."""
    bare: list[str] = []
    deep: list[str] = []
    for url in urls:
        host, path = _host_and_path(url)
        domain = registrable_domain(host) if host else None
        if not domain or "." not in domain or domain in NOT_OUTLET:
            continue
        (deep if path.strip("/") else bare).append(domain)
    kept = list(dict.fromkeys(bare))
    for domain in deep:
        if domain not in kept and _resembles(domain, name):
            kept.append(domain)
    return kept


def spelled_domains(names: list[str]) -> list[str]:
    """Domains an entry spells in its own name when its infobox gives none:
    "Centre for Research on Globalization (CRG, Global Research, globalresearch.ca)"."""
    found = []
    for name in names:
        if SPELLED.match(name.strip()):
            domain = registrable_domain(name.strip().lower())
            if domain and domain not in NOT_OUTLET:
                found.append(domain)
    return list(dict.fromkeys(found))


def news_like(domain: str, info: str) -> bool:
    if domain in OVERRIDES:
        return OVERRIDES[domain]
    return not NOT_NEWS_WORDS.search(info)


def build(src: Path) -> list[dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    with src.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            base, aliases, qualifiers = split_name(row["name"])
            statuses = [s for s in json.loads(row["status"]) if not s.startswith("Wikipedia:")]
            status = "; ".join(statuses) or "Under discussion"
            if qualifiers:
                status += f" ({', '.join(dict.fromkeys(qualifiers))})"
            domains = domains_for(json.loads(row["urls"]), base + " " + " ".join(aliases))
            for domain in domains or spelled_domains([base, *aliases]):
                out = merged.setdefault(
                    domain,
                    {"domain": domain, "name": base, "aliases": "", "status": "", "wiki_url": row["wiki_url"],
                     "news_like": "yes" if news_like(domain, row["info"]) else "no"},
                )  # fmt: skip
                known = [a for a in out["aliases"].split("|") if a]
                for alias in [base, *aliases]:
                    if alias != out["name"] and alias not in known:
                        known.append(alias)
                out["aliases"] = "|".join(known)
                out["status"] = " | ".join(filter(None, [out["status"], status]))
    return sorted(merged.values(), key=lambda r: r["domain"])


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else SRC
    out = Path(argv[2]) if len(argv) > 2 else OUT
    rows = build(src)
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        writer = csv.DictWriter(
            fh,
            fieldnames=["domain", "name", "aliases", "status", "wiki_url", "news_like"],
            lineterminator="\n",
        )
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} domains -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
