"""Text exports: the article between the site's header furniture and its footer."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.extract.links import extract_links
from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes, load_path
from auditor.models import LinkKind, Region
from auditor.parse import parse_document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SAMPLE = Path("/work/shared/samples/globalresearch-crosspost.txt")


def test_export_regions_and_kinds() -> None:
    links = extract_links(parse_document(load_path(PAGES / "export.txt")))
    body = [link.text for link in links if link.region is Region.BODY]
    # the "* * *" section break does not end the article; the "she wrote on Twitter" line neither
    assert body == ["union's ballot notice", "read more", "estimated", "a local trade association"]
    assert all(link.kind is LinkKind.PLACEHOLDER for link in links if link.href == "#")
    regions = {link.text: link.region for link in links if link.region is not Region.BODY}
    assert regions["Europe"] is Region.META
    assert regions["@coastlineweekly"] is Region.SHARE
    assert regions["Become a Supporter of Coastline Weekly"] is Region.FOOTER


def test_export_keeps_section_after_break_and_drops_footer_text() -> None:
    doc = parse_document(load_path(PAGES / "export.txt"))
    body = " ".join(b.text for b in doc.blocks if b.region is Region.BODY)
    assert "conciliation service" in body
    assert "Twitter as talks continued" in body
    assert "Disclaimer" not in body and "Note to readers" not in body
    assert doc.blocks[0].region is Region.HEADER and doc.blocks[0].tag == "h1"


def test_plain_prose_without_title_is_all_body() -> None:
    text = (
        "The council approved the budget on Tuesday after a three-hour debate, with most "
        "members backing the plan to raise fees for parking permits and garden waste.\n\n"
        "Details are at https://council.example.org/budget (page 4)."
    )
    doc = parse_document(load_bytes(text.encode(), "a.txt"))
    assert all(b.region is Region.BODY for b in doc.blocks)
    links = extract_links(doc)
    assert [link.url for link in links] == ["https://council.example.org/budget"]


def test_bare_urls_are_trimmed_of_sentence_punctuation() -> None:
    doc = parse_document(load_bytes(b"Title\n\nSee www.example.org/a, and (https://b.org/x_(y)).\n", "a.txt"))
    # a scheme-less site name is a mention, not a link; a URL with its scheme is a link
    assert [a.href for b in doc.blocks for a in b.anchors] == ["https://b.org/x_(y)"]


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not present")
class TestRealSample:
    def test_metadata(self) -> None:
        meta = extract_metadata(parse_document(load_path(SAMPLE)))
        assert meta.title == "Sino-Russian Collusion over Taiwan, Ukraine Seems Improbable but Isn't"
        assert meta.authors == ("M. K. Bhadrakumar",)
        assert meta.outlet == "Global Research"
        assert meta.published == "2021-11-23"

    def test_paragraph_links_are_body_placeholders(self) -> None:
        doc = parse_document(load_path(SAMPLE))
        links = extract_links(doc)
        body = [link for link in links if link.region is Region.BODY]
        assert len(body) == 8
        assert all(link.kind is LinkKind.PLACEHOLDER for link in body)
        assert {"Tuesday’s virtual meeting", "highlighted", "gravity of the developing situation"} <= {
            link.text for link in body
        }
        # every link written inside an article paragraph is body
        prose_blocks = [b for b in doc.blocks if b.region is Region.BODY]
        assert sum(len(b.anchors) for b in prose_blocks) == len(body)

    def test_chrome_links_are_not_body(self) -> None:
        links = extract_links(parse_document(load_path(SAMPLE)))
        not_body = {link.text: link.region for link in links if link.region is not Region.BODY}
        for text in ("Asia", "Europe", "Russia and FSU", "Intelligence", "click here", "@crg_globalresearch"):
            assert text in not_body, text
        assert not_body["Asia"] is Region.META
        assert not_body["Become a Member of Global Research"] is Region.FOOTER
        assert not_body["Comment on Global Research Articles on our Facebook page"] is Region.FOOTER
        articles_by = [link for link in links if link.context.startswith("Articles by")]
        assert articles_by and all(link.region is not Region.BODY for link in articles_by)


def _text_doc(text: str):  # type: ignore[no-untyped-def]
    return parse_document(load_bytes(text.encode(), "export.txt"))


PROSE = (
    "The harbour board met on Tuesday to discuss the dredging plan, which has divided the town for "
    "most of a decade and will cost more than the board first said."
)


def test_site_prompt_and_ticker_label_before_the_headline_are_not_the_title() -> None:
    for chrome in ("Subscribe to the Harbour Ledger for FREE", "Headline: Ferry Fares Rise Again!"):
        doc = _text_doc(f"{chrome}\n\nDredging Splits the Quay\n\n{PROSE}\n\n{PROSE}\n")
        assert extract_metadata(doc).title == "Dredging Splits the Quay", chrome
        assert [b.region for b in doc.blocks[:2]] == [Region.HEADER, Region.HEADER]


def test_a_long_headline_in_title_case_is_not_the_first_paragraph() -> None:
    headline = (
        "Top Storm Aftermath Footage From the Coast – What the Evening News Is Not Showing You Tonight!"
    )
    doc = _text_doc(f"{headline}\n\n{PROSE}\n")
    assert extract_metadata(doc).title == headline
    assert doc.blocks[0].region is Region.HEADER
    assert doc.blocks[1].region is Region.BODY
    ellipsis = "Why the Quay Will Flood Again Soon! What the Board Is Not Telling You…."
    assert extract_metadata(_text_doc(f"{ellipsis}\n\n{PROSE}\n")).title == ellipsis


def test_a_first_sentence_is_still_prose_not_a_headline() -> None:
    doc = _text_doc(f"{PROSE}\n\n{PROSE}\n")
    assert extract_metadata(doc).title is None
    assert all(b.region is Region.BODY for b in doc.blocks)


def test_a_web_page_saved_as_markdown_is_read_as_the_text_export_it_is() -> None:
    data = (PAGES / "export.txt").read_bytes()
    as_txt, as_md = (extract_metadata(parse_document(load_bytes(data, n))) for n in ("a.txt", "a.md"))
    assert load_bytes(data, "a.md").format is load_bytes(data, "a.txt").format
    assert as_md == as_txt
    txt_links, md_links = (extract_links(parse_document(load_bytes(data, n))) for n in ("a.txt", "a.md"))
    assert [(lk.url, lk.region) for lk in md_links] == [(lk.url, lk.region) for lk in txt_links]


def test_a_markdown_post_stays_markdown() -> None:
    post = b"# Quay vote\n\nThe harbour board met on Tuesday.\n\n## What next\n\nFollow us on Mastodon.\n"
    assert load_bytes(post, "post.md").format.value == "markdown"
    plain = (
        b"The harbour board met on Tuesday to discuss the plan.\n\nMore prose here, of the article itself.\n"
    )
    assert load_bytes(plain, "post.md").format.value == "markdown"
