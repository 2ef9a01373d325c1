"""The verdict sentence, standings, the chain as evidence and the run's labels, as pure values."""

from __future__ import annotations

from dataclasses import replace

import pytest

from auditor.models import (
    OFFLINE_REASON,
    Attribution,
    Audit,
    Category,
    CheckMode,
    CheckResult,
    CrossPost,
    CrossPostMethod,
    DomainInfo,
    Link,
    LinkKind,
    Metadata,
    QuoteVerdict,
    Region,
    RunInfo,
    SourceKind,
)
from auditor.report import views
from auditor.report.chain import chain_nodes, evidence_lines, own_address, timeline, wayback_date
from auditor.report.runinfo import display_source, mode_label, options_line
from auditor.report.sentence import verdict_sentence
from auditor.report.standing import rating, readable_date, state_media_phrase
from tests.fixtures.report.records import make_audit

RT = DomainInfo(
    domain="rt.com", category=Category.STATE_MEDIA, name="RT", state="Russia", reliability="Deprecated"
)
TASS = DomainInfo(domain="tass.example", category=Category.STATE_MEDIA, name="TASS", state="Russia")
CGTN = DomainInfo(domain="cgtn.com", category=Category.STATE_MEDIA, name="CGTN", state="China")
OUTLET = DomainInfo(
    domain="aggregator.example",
    category=Category.NEWS,
    name="Aggregator Review",
    reliability="Blacklisted; Generally unreliable",
    reliability_as_of="2021-03-17",
)


def _sentence(audit: Audit) -> str:
    return verdict_sentence(audit, views.verdict(audit, views.link_rows(audit)))


def _with(audit: Audit, **article: object) -> Audit:
    return replace(audit, article=replace(audit.article, **article))  # type: ignore[arg-type]


def test_the_sentence_says_provenance_standing_sources_and_links() -> None:
    audit = _with(make_audit(), domains=(OUTLET, RT, TASS))
    assert _sentence(audit) == (
        "Re-post of Indian Outlook (22 Nov 2021)."
        " Published by Aggregator Review, rated generally unreliable and blacklisted"
        " (Wikipedia's perennial sources list, 17 Mar 2021)."
        " Cites 3 sources, 2 of them Russian state media (RT, TASS)."
        " 1 of 3 linked quotes not found at their source (1 edited)."
        " 1 link is a placeholder; 10 web links checked: 4 broken, 1 blocked, 1 moved."
    )


def test_the_sentence_counts_linked_quotes_as_found_missing_and_not_checkable() -> None:
    base = make_audit()
    found = tuple(replace(q, verdict=QuoteVerdict.FOUND) for q in base.quotes)
    assert "All 3 linked quotes found at their source." in _sentence(replace(base, quotes=found))
    one = (replace(base.quotes[0], verdict=QuoteVerdict.UNAVAILABLE),)
    assert "1 linked quote could not be checked at its source." in _sentence(replace(base, quotes=one))
    offline = tuple(replace(q, verdict=QuoteVerdict.UNAVAILABLE, reason=OFFLINE_REASON) for q in base.quotes)
    assert "3 linked quotes not looked up (offline)." in _sentence(replace(base, quotes=offline))
    assert "linked quote" not in _sentence(replace(base, quotes=()))


def test_state_media_of_several_states_is_named_by_state() -> None:
    audit = make_audit()
    cgtn = Link(
        url="https://www.cgtn.com/news/1", href="x", text="CGTN", region=Region.BODY, kind=LinkKind.WEB,
        domain="cgtn.com", category=Category.STATE_MEDIA, position=12,
    )  # fmt: skip
    audit = _with(audit, links=(*audit.article.links, cgtn), domains=(RT, TASS, CGTN))
    assert "2 of them Russian state media (RT, TASS); 1 link to Chinese state media (CGTN)." in _sentence(
        audit
    )


def test_unnamed_sources_are_counted() -> None:
    audit = make_audit()
    anonymous = Attribution(source="senior officials", kind=SourceKind.ANONYMOUS, cue="said", evidence="x")
    audit = _with(audit, attributions=(*audit.article.attributions, anonymous))
    assert "Cites 4 sources, 2 of them state media (RT, TASS). 1 of 4 sources is unnamed." in _sentence(audit)
    v = views.verdict(audit, views.link_rows(audit))
    assert (v.sources, v.unnamed) == (4, 1)
    assert [s.name for s in views.source_rows(audit, unnamed=True)] == ["senior officials"]
    assert "senior officials" not in [s.name for s in views.source_rows(audit)]  # no card of its own


@pytest.mark.parametrize(
    ("kinds", "said"),
    [
        ((), "No attributed sources found."),
        ((SourceKind.ANONYMOUS,), "Cites 1 source, unnamed."),
        ((SourceKind.ANONYMOUS,) * 3, "Cites 3 sources, all unnamed."),
        ((SourceKind.PERSON, SourceKind.ANONYMOUS), "Cites 2 sources. 1 of 2 sources is unnamed."),
        (
            (SourceKind.PERSON,) * 7 + (SourceKind.ANONYMOUS,) * 4,
            "Cites 11 sources. 4 of 11 sources are unnamed.",
        ),
        ((SourceKind.PERSON,) * 2, "Cites 2 sources."),
    ],
)
def test_unnamed_sources_are_said_once_in_the_fewest_words(kinds: tuple[SourceKind, ...], said: str) -> None:
    from tests.fixtures.report.records import plain_audit

    audit = plain_audit("a.txt", "Plain Outlet")
    found = tuple(Attribution(source=f"s{i}", kind=k, cue="said", evidence="x") for i, k in enumerate(kinds))
    assert f"elsewhere. {said} " in _sentence(_with(audit, attributions=found))


def test_a_placeholder_link_does_not_make_a_source_linked() -> None:
    audit = make_audit()
    diesen = replace(audit.article.attributions[0], url="#")
    audit = _with(audit, attributions=(diesen, *audit.article.attributions[1:]))
    v = views.verdict(audit, views.link_rows(audit))
    assert [c.label for c in v.state_media] == ["Glenn Diesen in RT", "TASS in TASS (linked)"]
    assert [c.label for c in v.state_media_links] == ["link: rt.com"]  # its link stands alone now


def test_the_cards_and_the_tile_count_the_same_sources() -> None:
    audit = make_audit()
    v = views.verdict(audit, views.link_rows(audit))
    cards = [s for s in views.source_rows(audit) if s.category == "state-media"]
    assert len(cards) == len(v.state_media) == 2 and v.state_media_links == ()


@pytest.mark.parametrize(
    ("mode", "checks", "said"),
    [
        (CheckMode.OFFLINE, (), "10 web links not checked (offline)."),
        (CheckMode.REPLAY, None, "Checked from a recording (replay), not the live web."),
        (
            CheckMode.OFFLINE,
            None,
            "Not checked in this run (offline): these are the last checks, of 1 Jan 2099.",
        ),
    ],
)
def test_the_sentence_says_how_links_were_checked(
    mode: CheckMode, checks: tuple[CheckResult, ...] | None, said: str
) -> None:
    audit = make_audit()
    audit = replace(
        audit,
        checks=audit.checks if checks is None else checks,
        run=RunInfo(mode=mode, started_at="2099-01-02"),
    )
    assert _sentence(audit).endswith(said)


def test_an_offline_label_before_any_count() -> None:
    audit = replace(make_audit(), checks=(), run=RunInfo(mode=CheckMode.OFFLINE))
    v = views.verdict(audit, views.link_rows(audit))
    assert (
        v.not_checked
        and mode_label(v) == "Links not checked: offline. No earlier check of these links is known."
    )


def test_ratings_read_as_phrases() -> None:
    assert rating("Blacklisted; Generally unreliable") == "generally unreliable and blacklisted"
    assert rating("Generally reliable (news) | Generally unreliable (talk shows)") == (
        "generally reliable (news), generally unreliable (talk shows)"
    )
    assert state_media_phrase("Russia") == "Russian state media"
    assert state_media_phrase("Atlantis") == "state media of Atlantis"
    assert (readable_date("2021-11-22"), readable_date("2021-11"), readable_date("2021")) == (
        "22 Nov 2021",
        "Nov 2021",
        "2021",
    )


def test_this_copy_is_never_given_the_originals_address() -> None:
    meta = Metadata(
        outlet_domain="riverbank.example",
        canonical_url="https://original.example/story",  # a republished page points to the original
        og_url="https://www.riverbank.example/2024/story/",
    )
    assert own_address(meta, "/data/story.html") == "https://www.riverbank.example/2024/story/"
    assert own_address(replace(meta, og_url=None), "/data/story.html") is None
    audit = make_audit()
    audit = _with(
        audit, metadata=replace(audit.article.metadata, canonical_url="https://indianoutlook.example/x")
    )
    here = chain_nodes(audit)[-1]
    assert here.this_copy and here.address is None


def test_evidence_reads_as_lines_with_their_method() -> None:
    step = CrossPost(
        original_outlet="Coastline Weekly",
        method=CrossPostMethod.DECLARED,
        evidence="declared: First published by Coastline Weekly\ndateline: Coastline Weekly, 2 May 2024",
    )
    assert [(e.method, e.text) for e in evidence_lines(step)] == [
        ("declared", "First published by Coastline Weekly"),
        ("dateline", "Coastline Weekly, 2 May 2024"),
    ]
    old = replace(step, evidence="First published by Coastline Weekly | Coastline Weekly, 2 May 2024")
    assert [e.method for e in evidence_lines(old)] == ["declared", "declared"]  # stored before: still lines


def test_a_near_duplicate_step_links_its_own_report_not_a_path() -> None:
    audit = make_audit()
    near = CrossPost(
        original_outlet="Harbour Digest", original_url="/corpus/harbour/story.html", published="2021-11-20",
        method=CrossPostMethod.NEAR_DUPLICATE, title="The story as first told", similarity=0.91,
    )  # fmt: skip
    node = chain_nodes(_with(audit, crossposts=(near,)))[0]
    assert (node.outlet, node.title) == ("Harbour Digest", "The story as first told")
    assert node.address is not None and node.address.href and node.address.href.endswith(".html")
    assert "/corpus/" not in node.address.text and "/corpus/" not in str(node.address.href)


def test_the_timeline_orders_every_date_known() -> None:
    assert wayback_date("https://web.archive.org/web/20190310120000/https://x.example/") == "2019-03-10"
    moments = timeline(make_audit())
    assert [m.date[:10] for m in moments] == sorted(m.date[:10] for m in moments)
    whats = [m.what for m in moments]
    assert whats[:3] == [
        "archived copy of a cited page",  # the fixture's Wayback copy is of 2021
        "Indian Outlook: published",
        "Aggregator Review: this copy published",
    ]
    assert whats[-1].startswith("links checked")


def test_paths_are_shown_relative_or_by_name() -> None:
    run = RunInfo(command="batch", folder="/home/ana/corpus")
    assert display_source("/home/ana/corpus/2021/a.html", run) == "2021/a.html"
    assert display_source("/home/ana/elsewhere/a.html", run) == "a.html"
    assert display_source("/home/ana/corpus/a.html", None) == "a.html"
    assert display_source("https://x.example/a", run) == "https://x.example/a"


def test_the_footer_lists_only_the_options_given() -> None:
    options = (("offline", "True"), ("timeout", "5.0"), ("replay", "/home/ana/c.jsonl"), ("per_host", "4"))
    assert options_line(RunInfo(options=options)) == "--offline --timeout 5.0 --replay c.jsonl"
    # A Dask batch runs without quote checks: its reports say so, and which engine wrote them
    dask = (("engine", "dask"), ("quotes", "False"), ("probe", "True"), ("workers", "2"))
    assert options_line(RunInfo(options=dask)) == "--engine dask --no-quotes"
    assert options_line(RunInfo(options=(("engine", "local"), ("probe", "False")))) == "--no-probe"


def test_standing_reaches_the_links_and_the_cards() -> None:
    audit = _with(make_audit(), domains=(RT,))
    row = next(r for r in views.link_rows(audit) if r.domain == "rt.com")
    assert row.standing is not None and row.standing.summary.startswith("RT: Russian state media; deprecated")
    card = next(s for s in views.source_rows(audit) if s.name == "Glenn Diesen")
    assert card.standing is not None and card.standing.state_media == "Russian state media"
