"""Cross-post chains: declared credit lines, header datelines, copyright lines, canonical URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auditor.extract.crossposts import extract_crossposts
from auditor.models import (
    Anchor,
    Block,
    Category,
    CrossPost,
    CrossPostMethod,
    Document,
    DomainInfo,
    Format,
    Link,
    LinkKind,
    Metadata,
    PageMeta,
    Region,
)

SAMPLE = Path("/work/shared/samples/globalresearch-crosspost.txt")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossposts"
BODY = "The committee met for six hours on Tuesday and agreed on nothing except the date of the next meeting."
_TABLE = {
    "indian punchline": DomainInfo(domain="indianpunchline.com", category=Category.NEWS),
    "global research": DomainInfo(domain="globalresearch.ca", category=Category.NEWS),
    "harbour wire": DomainInfo(domain="harbourwire.net", category=Category.NEWS),
}


def _resolve(name: str) -> DomainInfo | None:
    return _TABLE.get(name.lower())


def _doc(*blocks: Block, meta: PageMeta | None = None, url: str | None = None) -> Document:
    return Document(source="t", format=Format.TEXT, blocks=blocks, meta=meta or PageMeta(), url=url)


def _b(text: str, region: Region, anchors: tuple[Anchor, ...] = ()) -> Block:
    return Block(text=text, region=region, anchors=anchors)


def _chain(doc: Document, metadata: Metadata, links: tuple[Link, ...] = ()) -> tuple[CrossPost, ...]:
    return extract_crossposts(doc, metadata, links, _resolve)


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("The original source of this article is Coastline Weekly", "Coastline Weekly"),
        ("This article was originally published at Coastline Weekly.", "Coastline Weekly"),
        ("This piece first appeared in Coastline Weekly on 3 May 2024.", "Coastline Weekly"),
        ("Republished from Coastline Weekly with permission.", "Coastline Weekly"),
        ("Reprinted with permission of Coastline Weekly.", "Coastline Weekly"),
        (
            "This article was produced by Coastline Weekly and is distributed under CC BY-ND.",
            "Coastline Weekly",
        ),
        ("Source: Coastline Weekly", "Coastline Weekly"),
        ("(via Coastline Weekly)", "Coastline Weekly"),
    ],
)
def test_declared_credit_lines(line: str, outlet: str) -> None:
    doc = _doc(_b(BODY, Region.BODY), _b(line, Region.FOOTER))
    chain = _chain(doc, Metadata(outlet="Harbour Wire"))
    assert [(c.original_outlet, c.method) for c in chain] == [(outlet, CrossPostMethod.DECLARED)]
    assert chain[0].evidence.startswith("declared: " + line.rstrip(".")[:20])  # the line, led by its method


def test_evidence_is_one_line_per_signal_led_by_its_method() -> None:
    doc = _doc(
        _b("Coastline Weekly, 2 May 2024", Region.HEADER),
        _b("Harbour Wire, 3 May 2024", Region.HEADER),
        _b(BODY, Region.BODY),
        _b("The original source of this article is Coastline Weekly", Region.FOOTER),
    )
    (step,) = _chain(doc, Metadata(outlet="Harbour Wire"))
    assert step.evidence.splitlines() == [
        "declared: The original source of this article is Coastline Weekly",
        "dateline: Coastline Weekly, 2 May 2024",
    ]


def test_declared_date_is_kept() -> None:
    doc = _doc(
        _b(BODY, Region.BODY),
        _b("This piece first appeared in Coastline Weekly on 3 May 2024.", Region.FOOTER),
    )
    assert _chain(doc, Metadata())[0].published == "2024-05-03"


def test_image_credit_and_own_copyright_are_not_steps() -> None:
    doc = _doc(
        _b(BODY, Region.BODY),
        _b("Featured image: cranes at dusk (Source: Coastline Weekly)", Region.FOOTER),
        _b("Photo via Coastline Weekly", Region.FOOTER),
        _b("Copyright © 2024 Harbour Wire. All rights reserved.", Region.FOOTER),
    )
    assert _chain(doc, Metadata(outlet="Harbour Wire")) == ()


def test_datelines_copyright_and_declared_merge_into_one_step() -> None:
    anchor = Anchor(href="https://coastline.example.org/a", text="Coastline Weekly", start=39, end=55)
    doc = _doc(
        _b("Harbour Wire, May 9, 2024", Region.BYLINE),
        _b("Coastline Weekly 7 May 2024", Region.BYLINE),
        _b(BODY, Region.BODY),
        _b("The original source of this article is Coastline Weekly", Region.FOOTER, (anchor,)),
        _b("Copyright © Ada Lind, Coastline Weekly, 2024", Region.FOOTER),
    )
    link = Link(url=anchor.href, href=anchor.href, text=anchor.text, region=Region.FOOTER, kind=LinkKind.WEB)
    (step,) = _chain(doc, Metadata(outlet="Harbour Wire", authors=("Ada Lind",)), (link,))
    assert step.original_outlet == "Coastline Weekly" and step.published == "2024-05-07"
    assert step.method is CrossPostMethod.DECLARED
    assert step.methods == (CrossPostMethod.DECLARED, CrossPostMethod.COPYRIGHT, CrossPostMethod.DATELINE)
    assert step.original_url == "https://coastline.example.org/a"


def test_dateline_pair_without_metadata_outlet_takes_the_latest_as_this_copy() -> None:
    doc = _doc(
        _b("Coastline Weekly, May 7, 2024", Region.BYLINE),
        _b("Harbour Wire 9 May 2024", Region.BYLINE),
        _b(BODY, Region.BODY),
    )
    (step,) = _chain(doc, Metadata())
    assert (step.original_outlet, step.published, step.method) == (
        "Coastline Weekly",
        "2024-05-07",
        CrossPostMethod.DATELINE,
    )


def test_placeholder_link_is_not_an_original_url() -> None:
    anchor = Anchor(href="#", text="Coastline Weekly", start=39, end=55)
    doc = _doc(
        _b(BODY, Region.BODY),
        _b("The original source of this article is Coastline Weekly", Region.FOOTER, (anchor,)),
    )
    link = Link(url="#", href="#", text=anchor.text, region=Region.FOOTER, kind=LinkKind.PLACEHOLDER)
    assert _chain(doc, Metadata(), (link,))[0].original_url is None


def test_canonical_and_json_ld_on_another_domain() -> None:
    ld = json.dumps(
        {
            "@graph": [
                {"@type": "NewsArticle", "isBasedOn": {"url": "https://www.northgate-times.com/a"}},
                {"sourceOrganization": {"name": "Delta Voices", "url": "https://deltavoices.org/"}},
            ]
        }
    )
    doc = _doc(
        _b(BODY, Region.BODY), meta=PageMeta(json_ld=(ld, "{not json")), url="https://civicledger.net/x"
    )
    metadata = Metadata(canonical_url="https://www.northgate-times.com/a", og_url="https://civicledger.net/x")
    chain = _chain(doc, metadata)
    assert [(c.outlet_domain, c.method) for c in chain] == [
        ("northgate-times.com", CrossPostMethod.CANONICAL),
        ("deltavoices.org", CrossPostMethod.CANONICAL),
    ]
    assert chain[0].original_url == "https://www.northgate-times.com/a"
    assert chain[1].original_outlet == "Delta Voices"


def test_canonical_on_own_domain_is_not_a_step() -> None:
    doc = _doc(_b(BODY, Region.BODY), url="https://www.civicledger.net/x")
    assert _chain(doc, Metadata(canonical_url="https://civicledger.net/x?amp=1")) == ()


def test_declared_and_canonical_about_one_outlet_are_one_step() -> None:
    doc = _doc(
        _b(BODY, Region.BODY),
        _b(
            "This article first appeared in The Northgate Times and is republished with permission.",
            Region.FOOTER,
        ),
        url="https://civicledger.net/x",
    )
    (step,) = _chain(doc, Metadata(canonical_url="https://www.northgate-times.com/a"))
    assert step.original_outlet == "The Northgate Times" and step.outlet_domain == "northgate-times.com"
    assert step.methods == (CrossPostMethod.DECLARED, CrossPostMethod.CANONICAL)


def test_two_step_chain_runs_from_the_original() -> None:
    from auditor.extract.links import extract_links
    from auditor.extract.metadata import extract_metadata
    from auditor.load import load_path
    from auditor.parse import parse_document

    doc = parse_document(load_path(FIXTURES / "two-step-chain.txt"))
    metadata = extract_metadata(doc)
    chain = extract_crossposts(doc, metadata, extract_links(doc), _resolve)
    assert [(c.original_outlet, c.published) for c in chain] == [
        ("Delta Voices", "2022-08-02"),
        ("Asia Water Review", None),
    ]
    assert chain[0].original_url == "https://deltavoices.org/mekong-dry-season"


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample is not on this machine")
def test_sample_chain_found_by_three_methods() -> None:
    from auditor.classify.domains import default_table
    from auditor.extract.links import extract_links
    from auditor.extract.metadata import extract_metadata
    from auditor.load import load_path
    from auditor.parse import parse_document

    doc = parse_document(load_path(SAMPLE))
    metadata = extract_metadata(doc)
    (step,) = extract_crossposts(doc, metadata, extract_links(doc), default_table().outlet)
    assert (step.original_outlet, step.published) == ("Indian Punchline", "2021-11-22")
    assert step.outlet_domain == "indianpunchline.com"
    assert set(step.methods) == {
        CrossPostMethod.DECLARED,
        CrossPostMethod.DATELINE,
        CrossPostMethod.COPYRIGHT,
    }
    assert step.method is CrossPostMethod.DECLARED
    assert metadata.outlet == "Global Research" and metadata.published == "2021-11-23"


@pytest.mark.parametrize(
    "line",
    [
        "Founded in 1952, the paper first appeared in print as a weekly before going daily.",
        "The report was originally published in 2015 by the state auditor and updated since.",
        "The column originally ran in the spring edition of the newsletter.",
        "This story first appeared online last week.",
    ],
)
def test_declared_phrases_that_name_no_outlet_are_not_steps(line: str) -> None:
    doc = _doc(_b(BODY, Region.BODY), _b(line, Region.BODY))
    assert _chain(doc, Metadata(outlet="Harbour Wire")) == ()


@pytest.mark.parametrize(
    ("line", "outlet"),
    [
        ("This essay was originally published in 2015 by Coastline Weekly.", "Coastline Weekly"),
        ("This piece was originally published by the Indian Punchline blog.", "the Indian Punchline blog"),
        ("This piece was originally published by indian punchline.", "indian punchline"),
    ],
)
def test_declared_outlets_after_a_year_by_domain_or_known_to_the_table(line: str, outlet: str) -> None:
    doc = _doc(_b(BODY, Region.BODY), _b(line, Region.FOOTER))
    chain = _chain(doc, Metadata(outlet="Harbour Wire"))
    assert [c.original_outlet for c in chain] == [outlet]
