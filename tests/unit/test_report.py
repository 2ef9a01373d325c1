"""The HTML reports, checked structurally with BeautifulSoup against hand-built records."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import stat as stat_mode
from dataclasses import replace
from pathlib import Path, PurePath

import pytest
from bs4 import BeautifulSoup, Tag

from auditor.models import Article, Audit, CheckResult, Format, Link, LinkKind, Metadata, Region, Status
from auditor.report.render import render_article, render_index, write_index, write_report
from auditor.report.slug import safe_href, slug_for
from auditor.urls import check_key
from tests.fixtures.report.records import BAD_URLS, PAYLOAD, make_audit, plain_audit, xss_audit

SECTIONS = ["verdict", "provenance", "sources", "quotes", "links", "domains"]


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "lxml")


def stat(soup: BeautifulSoup, label: str) -> str:
    for box in soup.select("#verdict .stat"):
        if label in box.span.get_text():
            return box.b.get_text(strip=True)
    raise AssertionError(f"no verdict stat {label!r}")


def test_sections_come_in_order_of_importance() -> None:
    soup = soup_of(render_article(make_audit()))
    ids = [s["id"] for s in soup.select("main > section")]
    assert ids == SECTIONS


def test_verdict_strip_counts_what_the_reader_needs() -> None:
    soup = soup_of(render_article(make_audit()))
    assert stat(soup, "web links checked") == "10"
    assert stat(soup, "alive") == "4"
    assert stat(soup, "broken") == "4"  # dead, soft-404, timeout, dns-error
    assert stat(soup, "moved") == "1"
    assert stat(soup, "blocked") == "1"
    assert stat(soup, "placeholders") == "1"
    assert stat(soup, "own site") == "20%"  # 2 of 10 web links go back to aggregator.example
    # two attributions to state media, each with the link that backs it: two sources, not four
    assert stat(soup, "state-media sources") == "2"
    assert "re-post of Indian Outlook (declared)" in stat(soup, "cross-post")


def test_chain_runs_from_the_original_to_this_copy_with_evidence() -> None:
    soup = soup_of(render_article(make_audit()))
    nodes = soup.select("#provenance .chain .node")
    assert [n.select_one(".outlet").get_text() for n in nodes] == ["Indian Outlook", "Aggregator Review"]
    first = nodes[0]
    assert "22 Nov 2021" in first.get_text()
    assert sorted(m.get_text() for m in first.select(".method")) == ["dateline", "declared"]
    (line,) = first.select(".evidence li")
    assert line.get_text(" ", strip=True) == "declared The original source of this article is Indian Outlook."
    assert "this copy" in nodes[-1].get_text()


def test_sources_show_role_outlet_category_and_link_status() -> None:
    soup = soup_of(render_article(make_audit()))
    diesen = soup.select("#sources .source")[0]
    text = diesen.get_text(" ", strip=True)
    for expected in ("Glenn Diesen", "professor at the University of South-Eastern Norway", "RT", "rt.com"):
        assert expected in text
    assert "Kremlin-funded" in text and "the alliance is inevitable" in text
    assert diesen.select_one(".cat.state-media") is not None
    assert diesen.select(".badge")[-1].get_text() == "blocked"  # the link; the quote comes first
    assert "Diesen added that sanctions had failed." in text
    sullivan = soup.select("#sources .source")[1]
    assert "no link behind it" in sullivan.get_text()


def test_links_table_has_a_row_per_link_with_status_region_and_archive() -> None:
    soup = soup_of(render_article(make_audit()))
    rows = soup.select("#links-table tbody tr")
    assert len(rows) == 12
    by_text = {r.select_one(".anchor").get_text(): r for r in rows}
    dead = by_text["a think-tank report"]
    assert dead["data-status"].split() == ["dead", "broken"]
    archive = next(a for a in dead.select("a") if a.get_text() == "Wayback copy")
    assert archive["href"].startswith("https://web.archive.org/")
    moved = by_text["US is now warning allies"]
    assert [li.get_text(" ", strip=True).split()[0] for li in moved.select(".hops li")] == ["301", "200"]
    assert by_text["Indian Outlook"]["data-status"].split() == ["placeholder", "placeholder"]
    assert by_text["Contact"].select_one("a") is None  # mailto is shown, never followed
    assert {r["data-region"] for r in rows} == {"nav", "byline", "body", "share", "footer"}


def test_nothing_is_hidden_without_javascript() -> None:
    soup = soup_of(render_article(make_audit()))
    assert not soup.select("#links-table tr[hidden]")
    assert soup.select_one("form.filters").has_attr("hidden")  # controls appear only with the script
    assert "display:none" not in str(soup.select_one("#links-table")).replace(" ", "")


def test_domain_chart_is_inline_svg_sorted_by_links() -> None:
    soup = soup_of(render_article(make_audit()))
    labels = [t.contents[0].strip() for t in soup.select("#domains svg text.label")]
    assert labels[0] == "aggregator.example"
    assert set(labels) >= {"rt.com", "gone.example.net"}
    assert soup.select("#domains svg rect.fill-broken")


def test_report_is_self_contained_with_a_pinned_script() -> None:
    html = render_article(make_audit())
    soup = soup_of(html)
    assert not soup.select("link[href], script[src], img[src], iframe, object, embed")
    csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in csp and "script-src 'unsafe-inline'" not in csp
    (script,) = soup.select("script")
    digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp
    assert "@media print" in html and "prefers-color-scheme: dark" in html


def test_empty_article_renders_every_section_gracefully() -> None:
    bare = Audit(article=Article(source="empty.txt", format=Format.TEXT, metadata=Metadata()))
    soup = soup_of(render_article(bare))
    assert [s["id"] for s in soup.select("main > section")] == SECTIONS
    assert "No cross-post found" in soup.select_one("#provenance").get_text()
    assert stat(soup, "own site") == "–"


def test_unchecked_links_are_labelled_as_such_offline() -> None:
    audit = make_audit()
    offline = Audit(article=audit.article)
    rows = soup_of(render_article(offline)).select("#links-table tbody tr")
    statuses = {r.select_one(".badge").get_text() for r in rows}
    assert statuses == {"unchecked", "placeholder", "mailto"}


def test_xss_payloads_are_escaped_everywhere() -> None:
    html = render_article(xss_audit())
    soup = soup_of(html)
    assert soup.select("script") == soup.select("script:not([src])")
    assert len(soup.select("script")) == 1
    assert soup.select("#injected") == [] and soup.select("img, iframe") == []
    for tag in soup.find_all(True):
        assert isinstance(tag, Tag)
        assert not [a for a in tag.attrs if a.lower().startswith("on")], tag.name
        assert "autofocus" not in tag.attrs
    assert PAYLOAD in soup.select_one("h1").get_text()  # shown, as text
    assert "</script><script>" not in html.split("<script>")[0]


def test_hostile_urls_are_never_hrefs() -> None:
    soup = soup_of(render_article(xss_audit()))
    hrefs = [a["href"] for a in soup.select("a[href]")]
    assert hrefs and all(re.match(r"^https?://", h) for h in hrefs)
    texts = soup.select_one("#links-table").get_text()
    for url in BAD_URLS:
        assert url.strip().split(":")[0] in texts  # still visible for the reader


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=c#d", True),
        ("HTTP://EXAMPLE.ORG/", True),
        ("javascript:alert(1)", False),
        (" https://example.org/", False),
        ("java\nscript:alert(1)", False),
        ('https://example.org/"onmouseover=alert(1)', False),
        ("data:text/html,x", False),
        ("//example.org/", False),
        ("https:///nohost", False),
        (None, False),
    ],
)
def test_safe_href(url: str | None, ok: bool) -> None:
    assert (safe_href(url) is not None) is ok


@pytest.mark.parametrize(
    "source",
    [
        "../../etc/passwd",
        "/abs/path/Story.HTML",
        "https://x.org/2021/11/story.html?id=1",
        "",
        "ünïcödé 記事",
        "a" * 5000,
    ],
)
def test_slug_is_safe_and_bounded(source: str) -> None:
    slug = slug_for(source)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 72 and slug != "index"


def test_slugs_never_collide_for_different_sources() -> None:
    sources = ["a/story.html", "b/story.html", "a/story.htm", "A/Story.html", "a-story.html", "a_story.html"]
    assert len({slug_for(s) for s in sources}) == len(sources)
    assert slug_for("a/story.html") == slug_for("a/story.html")


def test_write_report_is_atomic_and_named_by_slug(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    path = write_report(make_audit(), out)
    assert path == out / f"{slug_for('copies/collusion.html')}.html"
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")
    write_report(make_audit(), out)
    assert sorted(p.name for p in out.iterdir()) == [path.name]  # no temp files left over


def test_index_lists_every_article_with_its_verdict_and_failures(tmp_path: Path) -> None:
    audits = [
        make_audit(),
        plain_audit("o.txt", "Origin Post"),
        plain_audit("c1.txt", "Copy One", original="Origin Post", dead=True),
    ]
    path = write_index(audits, [("bad.html", "cannot decode <b>bytes</b>")], tmp_path)
    soup = soup_of(path.read_text(encoding="utf-8"))
    assert path.name == "index.html"
    rows = soup.select("#articles-table tbody tr")
    assert len(rows) == 3
    links = {a.get_text(): a["href"] for a in soup.select("#articles-table a")}
    assert links["Story from Copy One"] == slug_for("c1.txt") + ".html"
    copy_one = next(r for r in rows if "Copy One" in r.get_text())
    assert copy_one["data-flags"].split() == ["broken", "crossposted"]
    failures = soup.select("#failures tbody tr")
    assert [td.get_text() for td in failures[0].select("td")] == ["bad.html", "cannot decode <b>bytes</b>"]
    assert soup.select_one("#failures b") is None


def test_index_counts_sources_and_filters_articles_with_unnamed_ones() -> None:
    from auditor.models import Attribution, SourceKind

    said = (
        Attribution(source="Ada Berg", kind=SourceKind.PERSON, cue="said", evidence="x"),
        Attribution(source="officials", kind=SourceKind.ANONYMOUS, cue="said", evidence="y"),
    )
    plain = plain_audit("p.txt", "Plain Post")
    leaning = replace(plain, article=replace(plain_audit("u.txt", "Unnamed Post").article, attributions=said))
    soup = soup_of(render_index([plain, leaning], []))
    cells = {
        r.select_one("td a").get_text(): r.select_one("td[data-label=Sources]").get_text(" ", strip=True)
        for r in soup.select("#articles-table tbody tr")
    }
    assert cells == {"Story from Plain Post": "0", "Story from Unnamed Post": "2 1 unnamed"}
    flagged = [r.select_one("td a").get_text() for r in soup.select("tr[data-flags~=unnamed]")]
    assert flagged == ["Story from Unnamed Post"]
    assert soup.select_one("option[value=unnamed]").get_text() == "with unnamed sources"


def test_index_network_draws_outlet_to_outlet_edges() -> None:
    audits = [
        plain_audit("o.txt", "Origin Post"),
        plain_audit("c1.txt", "Copy One", original="Origin Post"),
        plain_audit("c2.txt", "Copy Two", original="Origin Post"),
        plain_audit("c3.txt", "Mirror", original="Copy Two"),
    ]
    soup = soup_of(render_index(audits, []))
    names = [t.get_text() for t in soup.select("#network svg text.name")]
    assert sorted(names) == ["Copy One", "Copy Two", "Mirror", "Origin Post"]
    edges = [p.title.get_text() for p in soup.select("#network path.edge")]
    assert sorted(edges) == ["Copy Two → Mirror: 1", "Origin Post → Copy One: 1", "Origin Post → Copy Two: 1"]
    boxes = {t.get_text(): float(t["x"]) for t in soup.select("#network svg text.name")}
    assert boxes["Origin Post"] < boxes["Copy Two"] < boxes["Mirror"]


def test_index_domain_tallies_and_dead_domains() -> None:
    audits = [make_audit(), plain_audit("c1.txt", "Copy One", dead=True)]
    soup = soup_of(render_index(audits, []))
    top = [t.contents[0].strip() for t in soup.select("#top-domains text.label")]
    assert "aggregator.example" not in top  # own-site links are not citations
    dead = [r.td.get_text() for r in soup.select("#dead-domains tbody tr")]
    assert set(dead) == {
        "gone.example.net",
        "paywall.example.com",
        "slow.example.com",
        "tass.example",
        "copyone.example",
    }
    cats = [t.contents[0].strip() for t in soup.select("#categories text.label")]
    assert "state-media" in cats


def test_empty_index_renders() -> None:
    soup = soup_of(render_index([], []))
    assert "No articles" in soup.select_one("#articles").get_text()
    assert "Every article was read" in soup.select_one("#failures").get_text()


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_reports_and_index_get_the_usual_file_mode(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        paths = [write_report(make_audit(), tmp_path), write_index([make_audit()], [], tmp_path)]
        paths.append(write_report(make_audit(), tmp_path))  # replacing keeps the mode
    finally:
        os.umask(old)
    assert [stat_mode.S_IMODE(p.stat().st_mode) for p in paths] == [mode, mode, mode]


def _one_link(url: str, status: Status | None, **check: object) -> Audit:
    link = Link(url=url, href=url, text="cited", region=Region.BODY, kind=LinkKind.WEB, domain=None)
    checks = () if status is None else (CheckResult(url=check_key(url), status=status, **check),)  # type: ignore[arg-type]
    article = Article(source="a.txt", format=Format.TEXT, metadata=Metadata(title="t"), links=(link,))
    return Audit(article=article, checks=checks)


def test_a_check_left_unchecked_is_not_counted_as_checked() -> None:
    audit = _one_link("https://x.org/a", Status.UNCHECKED, reason="not in cassette")
    assert stat(soup_of(render_article(audit)), "web links checked") == "0"
    index = soup_of(render_index([audit], []))
    assert "0 checked" in index.select_one(".byline").get_text()


def test_status_cell_shows_the_http_code_once() -> None:
    audit = _one_link("https://x.org/a", Status.OK, http_status=200, reason="HTTP 200")
    cell = soup_of(render_article(audit)).select("#links-table tbody td")[4]
    assert cell.get_text(" ", strip=True) == "ok 200"


def test_a_reserved_tld_shows_its_host_not_a_bare_label() -> None:
    audit = _one_link("https://www.tass.example/politics/1", Status.OK)
    link = replace(audit.article.links[0], domain="example")
    audit = replace(audit, article=replace(audit.article, links=(link,)))
    soup = soup_of(render_article(audit))
    assert soup.select_one("#links-table td.domain").get_text(strip=True) == "www.tass.example"
    assert _one_link("https://x.org/", None).article.links[0].domain is None
    bare = soup_of(render_article(_one_link("https://x.org/", None)))
    assert bare.select_one("#links-table td.domain").get_text(strip=True) == "x.org"


def test_body_links_come_first_in_page_order() -> None:
    rows = soup_of(render_article(make_audit())).select("#links-table tbody tr")
    regions = [r["data-region"] for r in rows]
    positions = [int(r.td.get_text()) for r in rows]
    assert regions[:7] == ["body"] * 7 and "body" not in regions[7:]
    assert positions[:7] == sorted(positions[:7]) and positions[7:] == sorted(positions[7:])


def test_state_media_counts_each_source_once_with_a_legend() -> None:
    audit = make_audit()
    extra = replace(audit.article.links[3], position=12, url="https://www.rt.com/news/other/", href="x")
    audit = replace(audit, article=replace(audit.article, links=(*audit.article.links, extra)))
    soup = soup_of(render_article(audit))
    box = next(b for b in soup.select("#verdict .stat") if "state-media" in b.span.get_text())
    assert box.b.get_text() == "2"  # Diesen + his RT link, TASS + its link: the two cards
    cards = soup.select("#sources .source.state-media")
    assert len(cards) == 2
    assert "+1 link to state media" in box.span.get_text()  # the unbacked RT link, apart
    assert "counted once" in box["title"] and "link: rt.com" in box["title"]
    index = soup_of(render_index([audit], []))
    assert "counted once" in next(th["title"] for th in index.select("th") if th.get_text() == "State media")
    cell = index.select_one("#articles-table td[data-label='State media']")
    assert cell.get_text(" ", strip=True) == "2 +1 link"


def test_failures_do_not_repeat_the_path_in_the_error() -> None:
    soup = soup_of(render_index([], [("/d/x.html", "/d/x.html: binary file"), ("y.md", "no such file")]))
    cells = [[td.get_text() for td in tr.select("td")] for tr in soup.select("#failures tbody tr")]
    assert cells == [["x.html", "binary file"], ["y.md", "no such file"]]  # no path, said once


def test_network_orders_copies_by_their_originals_so_arrows_do_not_cross() -> None:
    audits = [
        plain_audit("z.txt", "Zeta Origin"),
        plain_audit("a.txt", "Alpha Origin"),
        plain_audit("c1.txt", "Aardvark Copy", original="Zeta Origin"),
        plain_audit("c2.txt", "Zebra Copy", original="Alpha Origin"),
    ]
    soup = soup_of(render_index(audits, []))
    y = {t.get_text(): float(t["y"]) for t in soup.select("#network svg text.name")}
    assert y["Alpha Origin"] < y["Zeta Origin"]
    assert y["Zebra Copy"] < y["Aardvark Copy"]  # beside its own original


def test_outlets_wrap_at_spaces_and_regions_never() -> None:
    """An outlet's words stay whole down to 9em (only a longer unbroken string, which no real
    name is, breaks: the browser test shows it no longer widens the table)."""
    index = render_index([plain_audit("c1.txt", "Riverbank Weekly")], [])
    outlet = soup_of(index).select("#articles-table tbody td")[1]
    assert "words" in outlet["class"]
    rule = re.search(r"td\.words[^{]*\{([^}]*)\}", index)
    assert rule and "min-width: 9em" in rule.group(1) and "word-break: normal" in rule.group(1)
    assert "hyphens: none" in rule.group(1)
    region = re.search(r"\.region \{([^}]*)\}", render_article(make_audit()))
    assert region and "white-space: nowrap" in region.group(1)


def test_the_index_of_a_store_is_paged_and_its_figures_cover_every_page(tmp_path: Path) -> None:
    from auditor.report.render import write_corpus_index
    from auditor.store import Store

    audits = [make_audit(), *(plain_audit(f"p{i}.txt", f"Outlet {i}", dead=i % 2 == 0) for i in range(4))]
    store = Store.open(tmp_path / "audit.db")
    run = store.start_run("batch", {}, "test")
    for audit in audits:
        store.save_audit(audit, run)
    write_corpus_index(store, tmp_path, page=2)
    pages = sorted(p.name for p in tmp_path.glob("index*.html"))
    assert pages == ["index-2.html", "index-3.html", "index.html"]
    listed = [
        [
            r.select_one(".url").get_text()
            for r in soup_of((tmp_path / name).read_text()).select("#articles-table tbody tr")
        ]
        for name in ("index.html", "index-2.html", "index-3.html")
    ]
    assert [s for page in listed for s in page] == [
        PurePath(s).name for s in sorted(a.article.source for a in audits)
    ]  # each once, in source order (shown by file name: the run names no folder)
    first, whole = soup_of((tmp_path / "index.html").read_text()), soup_of(render_index(store.audits(), []))
    for part in ("header.top", "#top-domains", "#categories", "#dead-domains", "#network"):
        assert first.select_one(part).get_text() == whole.select_one(part).get_text(), part
    assert [a["href"] for a in first.select(".pager a")] == ["index-2.html", "index-3.html"]
    later = soup_of((tmp_path / "index-3.html").read_text())
    assert later.select_one("#dead-domains") is None and "page 3 of 3" in later.get_text()
    for name in ("index-2.html", "index-3.html"):  # written before the tally saw the last article
        page = soup_of((tmp_path / name).read_text())
        assert page.select_one("h1").get_text() == "5 articles audited", name
        assert page.select_one(".pager").get_text().startswith(("Articles 3–4 of 5", "Articles 5–5 of 5")), (
            name
        )
        assert page.title is not None and "5 articles" in page.title.get_text(), name
    write_corpus_index(store, tmp_path, page=4)  # fewer pages now: the old third is gone
    assert sorted(p.name for p in tmp_path.glob("index*.html")) == ["index-2.html", "index.html"]


def test_linked_quotes_show_their_verdict_on_the_card_in_the_sentence_and_in_a_section() -> None:
    soup = soup_of(render_article(make_audit()))
    sentence = soup.select_one("#verdict .sentence").get_text()
    assert "1 of 3 linked quotes not found at their source (1 edited)." in sentence
    assert stat(soup, "linked quotes not found at source") == "1"
    diesen = next(c for c in soup.select(".source") if "Glenn Diesen" in c.get_text())
    check = diesen.select_one(".quote-check")
    assert check.select_one(".badge").get_text() == "edited"
    assert check.select_one(".diffs li").get_text() == "‘inevitable’ → ‘likely’"
    assert "the page says:" in check.get_text()
    listed = soup.select("#quotes li.quote")
    assert [li.select_one(".badge").get_text() for li in listed] == [
        "edited", "not found at source", "found at source",
    ]  # fmt: skip
    archived = listed[2]
    assert "no named source" in archived.get_text() and "archived copy:" in archived.get_text()


def test_a_hostile_quote_check_is_text_and_its_script_urls_are_not_links() -> None:
    html = render_article(xss_audit())
    soup = soup_of(html)
    section = soup.select_one("#quotes")
    assert section is not None and not section.select("script, img, svg, b#injected")
    assert not [a for a in section.select("a[href]") if a["href"].lower().startswith("javascript:")]
