"""Markdown posts: front matter as metadata, every kind of link in the prose as body."""

from __future__ import annotations

from pathlib import Path

from auditor.extract.links import extract_links
from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes, load_path
from auditor.models import Format, LinkKind, Region
from auditor.parse import parse_document

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


def test_markdown_post_links_and_metadata() -> None:
    doc = parse_document(load_path(PAGES / "post.md"))
    assert doc.format is Format.MARKDOWN
    links = extract_links(doc)
    assert all(link.region is Region.BODY for link in links)
    assert [link.text for link in links][:3] == ["monthly performance report", "real-time feed", "GitHub"]
    urls = {link.url for link in links}
    assert "https://zenodo.org/records/1234567" in urls  # bare URL in prose
    assert "https://committees.parliament.uk/work/7777/" in urls  # inside a blockquote
    assert "https://www.gov.uk/government/publications/tram-franchise-agreement" in urls  # footnote
    # relative link resolved against the canonical URL from front matter
    assert "https://transitnotebook.net/posts/bus-bunching/" in urls
    meta = extract_metadata(doc)
    assert meta.title == "Measuring tram punctuality: what the operator's numbers leave out"
    assert meta.authors == ("Sunniva Hallström",)
    assert meta.published == "2024-02-05"
    assert meta.canonical_url == "https://transitnotebook.net/posts/tram-punctuality/"
    assert meta.language == "en"
    assert all(link.kind is LinkKind.WEB for link in links)


def test_front_matter_is_not_text() -> None:
    doc = parse_document(load_path(PAGES / "post.md"))
    assert not any("canonical_url" in b.text for b in doc.blocks)


def test_yaml_author_list_and_inline_html_link() -> None:
    text = (
        "---\ntitle: Notes\nauthors:\n  - Ana Lima\n  - Bo Chen\n---\n\n"
        'A line with an <a href="https://inline.example.org/x">inline link</a> in it, plus prose.\n'
    )
    doc = parse_document(load_bytes(text.encode(), "n.md"))
    assert extract_metadata(doc).authors == ("Ana Lima", "Bo Chen")
    assert [link.url for link in extract_links(doc)] == ["https://inline.example.org/x"]
