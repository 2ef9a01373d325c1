"""Write ``cassettes/examples.jsonl``: the answers of a fictional web for the bundled examples.

The example articles and the web they link to are ours, written to behave like the real one:
most pages answer 200, and a known set answers with every status class the checker knows
(moved, dead, gone, soft 404 in Dutch, parked, bot wall, refused, server error, timeout, DNS
failure, redirect loop), with Wayback answers for some dead links, and each site's answer to
the checker's site probe (``auditor/check/probe.py``): most sites answer a path they do not
have with a real 404, the Dutch union site with its not-found page at 200, the wire service
by sending it home. Run it again after editing an example:
``.venv/bin/python scripts/build_example_cassette.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from auditor.check.archive import query_url  # noqa: E402
from auditor.check.probe import probe_key, probe_url  # noqa: E402
from auditor.load import load_path  # noqa: E402
from auditor.models import LinkKind  # noqa: E402
from auditor.pipeline import extract_raw  # noqa: E402
from auditor.urls import check_key  # noqa: E402

HTML = {"content-type": "text/html; charset=utf-8"}


def article_page(title: str) -> str:
    para = (
        "<p>Officials and analysts have followed the question closely for several years, and the "
        "figures published this spring confirm the trend described in earlier reporting.</p>"
    )
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>'
        f"<main><article><h1>{title}</h1>{para * 6}</article></main>"
        "<footer><a href='/privacy'>Privacy</a></footer></body></html>"
    )


SOFT_404_NL = (
    "<!doctype html><html lang=nl><head><title>Pagina niet gevonden | FNV Havens</title></head><body>"
    '<header><nav><a href="/">Home</a> <a href="/nieuws">Nieuws</a> <a href="/acties">Acties</a> '
    '<a href="/lid-worden">Lid worden</a> <a href="/contact">Contact</a></nav>'
    '<form action="/zoeken"><input name="q" placeholder="Zoeken"></form></header>'
    "<main><h1>Oeps! Deze pagina bestaat niet</h1><p>De pagina die u zoekt is verplaatst of "
    "verwijderd. Foutcode 404.</p><p>Probeer de zoekfunctie of ga terug naar de homepage.</p>"
    "<h2>Populaire artikelen</h2><ul><li><a href='/nieuws/1'>Cao-onderhandelingen</a></li>"
    "<li><a href='/nieuws/2'>Stakingskas</a></li></ul></main></body></html>"
)
PARKED = (
    "<!doctype html><html><head><title>seafreight-analytics.com is for sale</title></head><body>"
    "<h1>This domain may be for sale!</h1><p>Buy this domain. The domain owner has listed it for "
    "sale. Make an offer today.</p><p>Related searches: freight rates, shipping insurance, cargo.</p>"
    "</body></html>"
)
BOT_WALL = (
    "<!doctype html><html><head><title>Just a moment...</title></head><body>"
    "<h1>Checking your browser before accessing the site.</h1>"
    "<p>Enable JavaScript and cookies to continue.</p></body></html>"
)


def quoting_page(title: str, *paragraphs: str) -> str:
    """A source page of ours whose main text says what an example article quotes from it."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<main><article><h1>{title}</h1>{body}</article></main>"
        "<footer><a href='/privacy'>Privacy</a></footer></body></html>"
    )


# Pages the examples' quotes link to, written so the demo shows every quote verdict: word for
# word with other quotation marks and dashes (found), one word changed (found-edited), a page
# that says something else (not-found), and a dead link whose archived copy has it.
QUOTED = {
    "https://tass.com/politics/1760001": quoting_page(
        "Zakharova on the Arctic patrols",
        "Foreign ministry spokeswoman Maria Zakharova said the new patrol schedule was "
        "\u2018a provocation \u2014 dressed up as housekeeping\u2019 and that Moscow would respond.",
        "She added that the ministry had raised the matter with the ambassador.",
    ),
    "https://www.rt.com/news/591234-northern-sea-route/": quoting_page(
        "Vantsev: the route is a strategic question",
        "Analyst Ilya Vantsev told the channel: The Northern Sea Route is no longer an economic "
        "question. Whoever controls the ice-breaker fleet controls the season, and whoever controls "
        "the season writes the rules.",
    ),
    "https://x.com/EU_Commission/status/1792000000000000000": quoting_page(
        "European Commission on X",
        "The Commission respects the autonomy of social partners and will not comment on the "
        "negotiations in Rotterdam.",
    ),
    "https://www.portofrotterdam-example.com/en/news/strike-update": quoting_page(
        "Strike update",
        "Union negotiator Anouk de Graaf: \u201cWe came to the table with a serious offer, and we left "
        "with nothing.\u201d Talks will resume on Thursday.",
    ),
}
ARCHIVED_PAGES = {
    "https://www.regjeringen-example.no/en/press/2024/arctic-patrols/": quoting_page(
        "Arctic patrols to begin in March",
        "Admiral Rune Falkenberg said the patrols would secure the northern lanes before the "
        "ice returns in autumn.",
    ),
    "https://www.portofrotterdam-example.com/en/press/2024/statement-strike": quoting_page(
        "Statement on the strike",
        "The port authority regrets the strike and calls on both parties to return to the table.",
    ),
}

SPECIAL: dict[str, list[dict[str, object]]] = {
    "https://www.marinetraffic.com/en/ais/home/centerx:4.0/centery:51.9/zoom:9": [
        {
            "status": 403,
            "headers": HTML | {"cf-mitigated": "challenge", "server": "cloudflare"},
            "body": BOT_WALL,
        }
    ],
    "https://www.portofrotterdam-example.com/en/press/2024/statement-strike": [
        {"status": 404, "body": "Not Found"}
    ],
    "https://www.ft.com/content/0a1b2c3d-dock-strike": [{"status": 403, "body": "Forbidden"}],
    "https://www.government-example.nl/ministries/ez/documents/2024/05/20/strike-cost": [
        {
            "status": 301,
            "headers": {
                "location": "https://www.government-example.nl/documents/reports/2024/05/20/strike-cost-estimate"
            },
        }
    ],
    "https://www.government-example.nl/documents/reports/2024/05/20/strike-cost-estimate": [
        {"status": 200, "body": article_page("Estimate of the cost of the port strike")}
    ],
    "http://seafreight-analytics.com/research/backlog-model": [{"status": 200, "body": PARKED}],
    "https://www.continental-wire.com/archive/2002/port-strike": [
        {"status": 301, "headers": {"location": "https://www.continental-wire.com/"}}
    ],
    "https://www.continental-wire.com/": [{"status": 200, "body": article_page("Continental Wire Service")}],
    "https://www.dockworkers-history.org/rotterdam/2016-strike": [{"error": "dns"}],
    "https://www.fnv-havens-example.nl/tijdlijn": [{"status": 200, "body": SOFT_404_NL}],
    "https://www.fnv-havens-example.nl/docs/eisen.pdf": [{"status": 410, "body": "Gone"}],
    "https://www.deltaports-association.com/news/joint-response": [{"error": "timeout"}],
    "https://www.sinking-deltas-project.net/": [{"status": 500, "body": "Internal Server Error"}],
    "https://bit.ly/3xDelta": [
        {
            "status": 301,
            "headers": {"location": "https://www.jakarta-planning-example.go.id/en/subsidence-2023"},
        }
    ],
    "https://www.jakarta-planning-example.go.id/en/subsidence-2023": [
        {"status": 200, "body": article_page("Land subsidence monitoring 2023")}
    ],
    "http://worldbank.org/en/topic/deltas": [
        {"status": 301, "headers": {"location": "https://www.worldbank.org/en/topic/deltas"}}
    ],
    "https://www.arcticobserver-example.com/archive/2019/route-numbers": [
        {
            "status": 302,
            "headers": {"location": "https://www.arcticobserver-example.com/archive/2019/route-numbers/"},
        }
    ],
    "https://www.arcticobserver-example.com/archive/2019/route-numbers/": [
        {
            "status": 302,
            "headers": {"location": "https://www.arcticobserver-example.com/archive/2019/route-numbers"},
        }
    ],
    "https://www.regjeringen-example.no/en/press/2024/arctic-patrols/": [
        {"status": 404, "body": "Not Found"}
    ],
}
ARCHIVED = {
    "https://www.portofrotterdam-example.com/en/press/2024/statement-strike": "20240520",
    "https://www.fnv-havens-example.nl/tijdlijn": "20231102",
    "https://www.regjeringen-example.no/en/press/2024/arctic-patrols/": "20240312",
}


# How a site answers a path it does not have (by host; any other: a real 404).
MISSING: dict[str, dict[str, object]] = {
    "www.fnv-havens-example.nl": {"status": 200, "body": SOFT_404_NL},
    "www.continental-wire.com": {"status": 301, "headers": {"location": "https://www.continental-wire.com/"}},
}


def probe_entry(url: str) -> dict[str, object] | None:
    """The site's answer to the probe the checker sends for ``url`` (None for a home page)."""
    key = probe_key(url)
    if key is None:
        return None
    answer = MISSING.get(url.split("/")[2], {"status": 404, "body": "Not Found"})
    return {"method": "GET", "url": probe_url(key), "status": answer["status"],
            "headers": answer.get("headers", HTML), "body": answer.get("body", "")}  # fmt: skip


def entries_for(url: str, published: str | None) -> list[dict[str, object]]:
    default = QUOTED.get(url) or article_page(url.rsplit("/", 2)[-2] or url)
    answers = SPECIAL.get(url) or [{"status": 200, "body": default}]
    out = []
    for answer in answers:
        entry: dict[str, object] = {"method": "GET", "url": url}
        if "error" in answer:
            entry["error"] = answer["error"]
        else:
            entry.update(
                status=answer["status"], headers=answer.get("headers", HTML), body=answer.get("body", "")
            )
        out.append(entry)
    probe = probe_entry(url)
    if probe is not None:
        out.append(probe)
    if url in ARCHIVED:
        stamp = ARCHIVED[url] + "093000"
        snapshot = {"archived_snapshots": {"closest": {"available": True, "status": "200", "timestamp": stamp,
                                                       "url": f"http://web.archive.org/web/{stamp}/{url}"}}}  # fmt: skip
        out.append({"method": "GET", "url": query_url(url, published), "status": 200,
                    "headers": {"content-type": "application/json"}, "body": json.dumps(snapshot)})  # fmt: skip
        if url in ARCHIVED_PAGES:  # the copy a quote is looked up in, as Wayback serves it raw
            copy = f"https://web.archive.org/web/{stamp}id_/{url}"
            out.append(
                {"method": "GET", "url": copy, "status": 200, "headers": HTML, "body": ARCHIVED_PAGES[url]}
            )
    return out


def main() -> None:
    lines: dict[tuple[str, str], str] = {}
    for path in sorted((ROOT / "examples").glob("*.*")):
        if path.suffix not in {".html", ".md", ".txt"}:
            continue
        article = extract_raw(load_path(path))
        for link in article.links:
            if link.kind is not LinkKind.WEB:
                continue
            for entry in entries_for(check_key(link.url), article.metadata.published):
                lines[(str(entry["url"]), str(entry["method"]))] = json.dumps(
                    entry, sort_keys=True, ensure_ascii=False
                )
    for url in SPECIAL:  # redirect targets are not links of any article
        for entry in entries_for(url, None):
            lines.setdefault(
                (str(entry["url"]), str(entry["method"])),
                json.dumps(entry, sort_keys=True, ensure_ascii=False),
            )
    target = ROOT / "cassettes" / "examples.jsonl"
    target.write_text("".join(lines[k] + "\n" for k in sorted(lines)), encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {len(lines)} exchanges")


if __name__ == "__main__":
    main()
