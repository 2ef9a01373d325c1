"""Attributions: who the article cites, in what role, where, with which words and link.

Most tests build a ``Document`` from a few paragraphs of our own text (``_doc``), so each
pattern is pinned in isolation; the labelled fixtures and the real sample run through the
real loader and parser.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from auditor.extract.attributions import extract_attributions
from auditor.models import (
    Anchor,
    Attribution,
    Block,
    Category,
    Document,
    DomainInfo,
    Format,
    Link,
    LinkKind,
    Metadata,
    Region,
    SourceKind,
)

SAMPLE = Path("/work/shared/samples/globalresearch-crosspost.txt")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
_TABLE = {
    "rt": DomainInfo(domain="rt.com", category=Category.STATE_MEDIA, name="RT"),
    "tass": DomainInfo(domain="tass.com", category=Category.STATE_MEDIA, name="TASS"),
    "reuters": DomainInfo(domain="reuters.com", category=Category.WIRE, name="Reuters"),
    "cgtn": DomainInfo(domain="cgtn.com", category=Category.STATE_MEDIA, name="CGTN"),
    "kremlin": DomainInfo(domain="kremlin.ru", category=Category.GOVERNMENT, name="Kremlin"),
}


def _resolve(name: str) -> DomainInfo | None:
    return _TABLE.get(name.lower())


def _block(raw: str, region: Region = Region.BODY, tag: str = "p") -> Block:
    """A block from text with ``[anchor](href)`` links, anchors pointing into the plain text."""
    text, anchors, pos = "", [], 0
    for m in _LINK.finditer(raw):
        text += raw[pos : m.start()]
        anchors.append(
            Anchor(href=m.group(2), text=m.group(1), start=len(text), end=len(text) + len(m.group(1)))
        )
        text += m.group(1)
        pos = m.end()
    text += raw[pos:]
    return Block(text=text, region=region, tag=tag, anchors=tuple(anchors))


def _doc(*paragraphs: str | Block) -> Document:
    blocks = tuple(p if isinstance(p, Block) else _block(p) for p in paragraphs)
    return Document(source="test", format=Format.TEXT, blocks=blocks)


def _links(doc: Document) -> tuple[Link, ...]:
    out: list[Link] = []
    for block in doc.blocks:
        for a in block.anchors:
            kind = LinkKind.WEB if a.href.startswith("http") else LinkKind.PLACEHOLDER
            out.append(
                Link(url=a.href, href=a.href, text=a.text, region=block.region, kind=kind, position=len(out))
            )
    return tuple(out)


def _extract(*paragraphs: str | Block, authors: tuple[str, ...] = ()) -> dict[str, Attribution]:
    doc = _doc(*paragraphs)
    found = extract_attributions(doc, _links(doc), Metadata(authors=authors), _resolve)
    return {a.source: a for a in found}


# --------------------------------------------------------------------------- who and role


def test_apposition_gives_the_role_and_the_partial_quote() -> None:
    found = _extract(
        "On Monday, Maria Keller, the finance minister's chief economist, said at a press "
        "conference that the budget would “stay within the rules we set ourselves”."
    )
    keller = found["Maria Keller"]
    assert keller.kind is SourceKind.PERSON
    assert keller.role == "finance minister's chief economist"
    assert keller.cue == "said"
    assert keller.quote == "stay within the rules we set ourselves"


def test_title_and_pre_modifier_make_the_role_and_stay_out_of_the_name() -> None:
    found = _extract(
        "On Sunday, the commander of the Northern Fleet Admiral Pavel Orlov reaffirmed the "
        "navy's commitment to the exercise and stressed that no live fire was planned."
    )
    assert list(found) == ["Pavel Orlov"]
    assert found["Pavel Orlov"].role == "Admiral, commander of the Northern Fleet"
    assert found["Pavel Orlov"].cue == "reaffirmed"


def test_organisation_and_role_noun_before_a_full_name_make_the_role() -> None:
    found = _extract(
        "Dockers' union negotiator Pieter Vos walked out. Havenbond negotiator Ruud Smits told "
        "the press the offer was an insult.",
        "Rabobank chief economist Ilse Jansen said wages would lag prices.",
        "Harbour operator Maasvlakte said the quays were idle.",
    )
    assert found["Ruud Smits"].role == "Havenbond negotiator"
    assert found["Ilse Jansen"].role == "Rabobank chief economist"
    assert found["Maasvlakte"].role is None  # "operator" is not a role noun: no guess


def test_its_and_the_institutes_roles_name_the_organisation_meant() -> None:
    found = _extract(
        "Grain handler Kornhaven said the silos were full. Its managing director, Tove Berg, "
        "argued that “the harvest came early”.",
        "According to a study by the Baltic Shipping Institute, freight rates doubled.",
        "The institute's chief analyst, Dr. Jonas Lind, warned that “the spike will last”.",
        "The company's founder, Eva Holm, said little.",
    )
    assert found["Tove Berg"].role == "managing director of Kornhaven"
    assert found["Jonas Lind"].role == "chief analyst of the Baltic Shipping Institute"
    assert found["Eva Holm"].role == "company's founder"  # no company named: left as written


def test_an_unnamed_spokesperson_speaks_for_the_organisation_before() -> None:
    found = _extract(
        "The Water Safety Commission noted that the dikes had held.",
        "A spokesperson [said on X](https://x.com/wsc/status/7) that the commission “stands by "
        "the engineers”.",
    )
    assert list(found) == ["Water Safety Commission"]
    wsc = found["Water Safety Commission"]
    assert wsc.cue == "noted" and wsc.quote == "stands by the engineers"
    assert wsc.outlet == "X" and wsc.url == "https://x.com/wsc/status/7"
    assert len(wsc.mentions) == 2
    assert _extract("A spokesperson said the trains would run.") == {}  # nobody to speak for


def test_of_and_at_phrases_are_affiliations() -> None:
    found = _extract(
        "Dana Ruiz, senior fellow at the Centre for Maritime Studies in Lisbon, aptly framed the "
        "dispute as “a quarrel about buoys”.",
        "Professor Tom Whitfield of the University of Bristol cautioned that the data were thin.",
    )
    assert found["Dana Ruiz"].role == "senior fellow at the Centre for Maritime Studies in Lisbon"
    assert found["Dana Ruiz"].cue == "framed"
    assert found["Tom Whitfield"].role == "Professor of the University of Bristol"


def test_reverse_apposition_puts_the_name_first() -> None:
    found = _extract("The premier's spokesman, Lars Brandt, told reporters that talks would resume.")
    assert found["Lars Brandt"].role == "premier's spokesman"


def test_organisations_documents_and_outlets_as_sources() -> None:
    found = _extract(
        "On Friday, the US state department announced that a dialogue on trade would be held.",
        "The joint statement said, among other things, that both navies would “keep the lanes open”.",
        "Tass [highlighted](#) that the president was kept informed.",
        "According to the Institute for Fiscal Studies, the gap has doubled.",
    )
    assert found["US state department"].kind is SourceKind.ORGANISATION
    statement = found["joint statement"]
    assert statement.kind is SourceKind.DOCUMENT and statement.quote == "keep the lanes open"
    tass = found["Tass"]
    assert tass.kind is SourceKind.OUTLET and tass.cue == "highlighted"
    assert tass.outlet_domain == "tass.com" and tass.outlet_category is Category.STATE_MEDIA
    assert tass.url == "#"  # the linked cue backs it, even as a placeholder
    assert found["Institute for Fiscal Studies"].cue == "according to"


# --------------------------------------------------------------------------- where it was said


def test_wrote_in_characterised_outlet_resolves_through_the_table() -> None:
    found = _extract("Prof. Anna Berg was writing in Kremlin-funded RT soon after the summit.")
    berg = found["Anna Berg"]
    assert (berg.outlet, berg.outlet_domain, berg.outlet_category) == ("RT", "rt.com", Category.STATE_MEDIA)
    assert berg.characterisation == "Kremlin-funded"


@pytest.mark.parametrize(
    ("sentence", "source", "outlet"),
    [
        ("Omar Haddad told Reuters that the pipeline was safe.", "Omar Haddad", "Reuters"),
        ("In an interview with CGTN, Li Ming argued that tariffs would fall.", "Li Ming", "CGTN"),
        ("In a post on X, the union accused the owners of stalling.", "the union", "X"),  # unnamed
        (
            "The outage was caused by a software update, according to a report by Reuters.",
            "Reuters",
            "Reuters",
        ),
    ],
)
def test_where_it_was_said(sentence: str, source: str, outlet: str) -> None:
    found = _extract(sentence)
    assert list(found) == [source]
    assert found[source].outlet == outlet


# --------------------------------------------------------------------------- quotes and merging


def test_lead_in_quote_paragraphs_pronoun_and_later_mentions_merge() -> None:
    found = _extract(
        "A well-known Baltic commentator Professor Ilse Varga wrote last week,",
        "“Borders are promises. A promise broken once is broken for everyone.”",
        "She explained:",
        "“Deterrence rests on clarity. Ambiguity invites a test.”",
        "Prof. Varga was writing in Kremlin-funded RT after the summit. [read more](https://example.org/varga)",
        "Both points land, as Varga wrote.",
    )
    assert list(found) == ["Ilse Varga"]
    varga = found["Ilse Varga"]
    assert varga.quote == "Borders are promises. A promise broken once is broken for everyone."
    assert varga.cue == "wrote" and "Professor" in (varga.role or "")
    assert varga.outlet == "RT" and varga.url == "https://example.org/varga"
    assert len(varga.mentions) == 6  # four sentences and the two quoted paragraphs
    assert "Deterrence rests on clarity. Ambiguity invites a test." in varga.mentions
    assert varga.evidence == "A well-known Baltic commentator Professor Ilse Varga wrote last week,"


def test_quote_opening_the_paragraph_and_multi_paragraph_quote() -> None:
    found = _extract(
        "Port director Jonas Lind described the night shift.",
        "“The cranes stopped at midnight. Nobody knew why.",
        "“By morning the ships were queuing past the breakwater,” Lind said.",
    )
    lind = found["Jonas Lind"]
    assert lind.cue == "said"
    assert lind.quote == (
        "The cranes stopped at midnight. Nobody knew why. By morning the ships were queuing past the breakwater"
    )


def test_surname_and_role_noun_merge_into_the_full_name() -> None:
    found = _extract(
        "Russian President Vladimir Putin spoke in Moscow on Thursday about the talks.",
        'Putin said, "Some partners are trying to drive a wedge between us."',
        "Chen Wei, ambassador to the UK, questioned whether the “rules” applied to everyone.",
        "The ambassador insisted that no decision had been made.",
    )
    putin = found["Vladimir Putin"]
    assert putin.role == "Russian President"
    assert putin.quote == "Some partners are trying to drive a wedge between us."
    assert "Putin" not in found
    assert len(found["Chen Wei"].mentions) == 2


def test_the_ministry_resolves_to_the_ministry_named_before() -> None:
    found = _extract(
        "The Ministry of Transport and Ports confirmed that the tender was cancelled.",
        '"The bids were incomplete," the ministry said.',
    )
    assert list(found) == ["Ministry of Transport and Ports"]
    assert found["Ministry of Transport and Ports"].quote == "The bids were incomplete"


def test_read_more_link_closing_the_paragraph_backs_its_attributions() -> None:
    found = _extract(
        "Qiu Lan, the trade envoy, accused the bloc of protectionism. [read more](https://example.org/qiu)",
        "Ahmed Saleh [said](https://example.org/saleh) the talks would continue.",
    )
    assert found["Qiu Lan"].url == "https://example.org/qiu"
    assert found["Ahmed Saleh"].url == "https://example.org/saleh"


def test_a_sentence_broken_across_blocks_is_read_whole() -> None:
    found = _extract(
        "Chen Wei, ambassador to the UK, bluntly questioned the mandate of the council and",
        "accused the ministers of trying to build “a new wall” around the region.",
    )
    assert found["Chen Wei"].quote == "a new wall"


# --------------------------------------------------------------------------- what is not a source


def test_places_are_not_speakers_unless_the_text_makes_them_one() -> None:
    found = _extract(
        "The ministry announced talks, highlighting that Taiwan will remain a flashpoint.",
        "Yet the US is now warning allies that an attack appears likely.",
        "Beijing said the move would “harm normal trade”.",
    )
    assert "Taiwan" not in found and "US" not in found
    assert found["Beijing"].kind is SourceKind.ORGANISATION


def test_said_inside_a_quotation_is_not_an_attribution() -> None:
    found = _extract(
        'Mira Olsen said: "Everyone in Brussels said the deal was dead, and the Commission warned us."'
    )
    assert list(found) == ["Mira Olsen"]


def test_headlines_captions_chrome_authors_and_hypotheticals_are_not_sources() -> None:
    found = _extract(
        _block("Minister Paul Grant said to resign over leak", tag="h2"),
        _block("Featured image: Paul Grant said goodbye to staff (Source: Harbour Wire)"),
        _block("Jonas Weber said the newsletter is free.", region=Region.FOOTER),
        "I argued last year that the deal would hold, and we said so again in March.",
        "As Sam Porter noted in this column before, the trend is clear.",
        "Asked whether the government had said anything, the mayor shrugged.",
        authors=("Sam Porter",),
    )
    assert found == {}


def test_capitalised_phrases_that_are_not_sources() -> None:
    found = _extract("Rotterdam has already seen a rise in diverted calls, port data showed.")
    assert found == {}


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("“" + "He said, " * 4000 + " ".join(["Professor"] * 3000) + ' said "' * 500,),
        ("Ministry officials said. " * 3000, "the ministry said. " * 3000),
        tuple(
            f"Anna Berg{i} said the Ministry of Ports{i} was right, and the ministry said so."
            for i in range(800)
        ),
        ("Empty.", "", "\u202e said \u0000 wrote", "“" * 5000, '"' * 5001),
    ],
)
def test_hostile_input_stays_fast_and_bounded(paragraphs: tuple[str, ...]) -> None:
    start = time.process_time()
    found = _extract(*paragraphs)
    assert time.process_time() - start < 3
    assert all(len(a.mentions) <= 1001 for a in found.values())


# --------------------------------------------------------------------------- fixtures and the sample


def test_labelled_fixtures_meet_the_accuracy_bar() -> None:
    from benchmarks.eval_attributions import LABELS, evaluate

    scores, lines = evaluate(LABELS, repeat=1)
    p, r, _ = scores.sources.prf()
    cp, cr, _ = scores.cues.prf()
    sp, sr, _ = scores.steps.prf()
    assert p >= 0.95 and r >= 0.9, "\n".join(lines)
    assert cp >= 0.95 and cr >= 0.9, "\n".join(lines)
    assert sp == 1.0 and sr == 1.0, "\n".join(lines)


@pytest.mark.skipif(not SAMPLE.exists(), reason="the shared sample is not on this machine")
def test_sample_attributions() -> None:
    from auditor.classify.domains import default_table
    from auditor.extract.links import extract_links
    from auditor.extract.metadata import extract_metadata
    from auditor.load import load_path
    from auditor.parse import parse_document

    doc = parse_document(load_path(SAMPLE))
    metadata = extract_metadata(doc)
    found = {
        a.source: a for a in extract_attributions(doc, extract_links(doc), metadata, default_table().outlet)
    }

    diesen = found["Glenn Diesen"]
    assert "professor" in (diesen.role or "").lower() and diesen.cue == "wrote"
    assert (diesen.outlet, diesen.outlet_domain, diesen.outlet_category) == (
        "RT",
        "rt.com",
        Category.STATE_MEDIA,
    )
    assert diesen.characterisation == "Kremlin-funded"
    assert (diesen.quote or "").startswith("Red lines are about deterrence.")
    assert any(m.startswith("Deterrence rests on the three Cs") for m in diesen.mentions)
    assert "Institute for China-America Studies" in (found["Sourabh Gupta"].role or "")
    assert "national security adviser" in (found["Jake Sullivan"].role or "")
    assert "ambassador to the US" in (found["Qin Gang"].role or "")
    assert "head of the US Indo-Pacific Command" in (found["John Aquilino"].role or "")
    tass = found["Tass"]
    assert tass.kind is SourceKind.OUTLET and tass.cue == "highlighted" and tass.url == "#"
    putin = found["Vladimir Putin"]
    assert (putin.quote or "").startswith("Some of our Western partners")
    assert found["joint press release"].kind is SourceKind.DOCUMENT
    for name in ("US state department", "Chinese Foreign Ministry", "Kremlin"):
        assert found[name].kind is SourceKind.ORGANISATION
    for spurious in (
        "Taiwan",
        "Beijing",
        "Putin",
        "M. K. Bhadrakumar",
        "Bhadrakumar",
        "US",
        "China",
        "Russia",
    ):
        assert spurious not in found
    assert "Indian Punchline" not in found  # the image credit is not a quote


# --------------------------------------------------------------------------- backing links


@pytest.mark.parametrize(
    "href", ["javascript:void(0)", "JavaScript:alert(1)", "data:text/html,hi", "vbscript:msgbox"]
)
def test_script_links_never_back_an_attribution(href: str) -> None:
    found = _extract(f"Ahmed Saleh [said]({href}) the talks would continue.")
    assert found["Ahmed Saleh"].url is None


def test_placeholder_hash_stays_as_the_placeholder_it_is() -> None:
    found = _extract("Ahmed Saleh [said](#) the talks would continue.")
    assert found["Ahmed Saleh"].url == "#"


def test_footnote_mark_backs_with_the_footnote_link_or_nothing() -> None:
    found = _extract(
        "Ahmed Saleh said the talks would continue.[1](#fn1)",
        "Qiu Lan said the envoy had left.[2](#fn2)",
        Block(
            text="1. Port authority minutes, 2024. ↩",
            region=Region.BODY,
            tag="li",
            anchors=(
                Anchor(href="https://example.org/minutes", text="Port authority minutes", start=3, end=25),
                Anchor(href="#fnref1", text="↩", start=33, end=34),
            ),
        ),
    )
    assert found["Ahmed Saleh"].url == "https://example.org/minutes"
    assert found["Qiu Lan"].url is None  # footnote 2 is not in the document


def test_a_link_in_another_sources_clause_is_not_this_sources() -> None:
    found = _extract(
        "The Chinese Foreign Ministry hailed the agreement in a statement on Tuesday, and state "
        "broadcaster CGTN ran [a segment](https://example.org/cgtn-segment) on the signing."
    )
    assert found["Chinese Foreign Ministry"].url is None


def test_an_outlets_editors_speak_for_the_outlet() -> None:
    found = _extract(
        "RT's editors [highlighted](#) the commodore's remarks in a later piece.",
        "The club's editors said the newsletter would close.",
    )
    assert found["RT"].kind is SourceKind.OUTLET
    assert found["RT"].url == "#"
    assert "club" not in " ".join(found).lower()


def test_a_titled_person_of_an_institute_is_the_person_not_the_institute() -> None:
    found = _extract("Professor Lena Brandt of the Delft Institute said the dikes would hold for now.")
    assert list(found) == ["Lena Brandt"]
    assert found["Lena Brandt"].kind is SourceKind.PERSON
    assert found["Lena Brandt"].role == "Professor of the Delft Institute"
    bank = _extract("The Bank of England said rates would stay where they are for the winter.")
    assert list(bank) == ["Bank of England"] and bank["Bank of England"].kind is SourceKind.ORGANISATION
