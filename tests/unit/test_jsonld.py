"""JSON-LD as real pages write it: wrappers, slips and several objects in one script."""

from __future__ import annotations

from auditor.extract import jsonld
from auditor.extract.metadata import extract_metadata
from auditor.load import load_bytes
from auditor.parse import parse_document

ARTICLE = '{"@type": "NewsArticle", "headline": "Tide gauges fail", "datePublished": "2022-04-02T09:00:00+02:00", "author": {"@type": "Person", "name": "Mira Solberg"}}'


def _meta(script: str):  # type: ignore[no-untyped-def]
    html = f'<html><head><script type="application/ld+json">{script}</script></head><body><article><p>Body.</p></article></body></html>'
    return extract_metadata(parse_document(load_bytes(html.encode(), "a.html")))


def test_cdata_and_comment_wrappers_are_read() -> None:
    for script in (
        f"<![CDATA[\n{ARTICLE}\n]]>",
        f"//<![CDATA[\n{ARTICLE}\n//]]>",
        f"/*<![CDATA[*/{ARTICLE}/*]]>*/",
        f"<!--\n{ARTICLE}\n-->",
    ):
        m = _meta(script)
        assert (m.title, m.authors, m.published) == ("Tide gauges fail", ("Mira Solberg",), "2022-04-02"), (
            script
        )


def test_trailing_commas_comment_lines_and_raw_newlines_in_strings() -> None:
    script = '{\n// generated\n"@type": "Article",\n"headline": "Two\nlines",\n"author": [{"name": "Ode Lind"},],\n}'
    m = _meta(script)
    assert m.authors == ("Ode Lind",)
    assert m.title == "Two lines"


def test_several_objects_in_one_script() -> None:
    values = jsonld.loads('{"@type": "Organization", "name": "Fjord Post"}\n' + ARTICLE)
    assert [v["@type"] for v in values] == ["Organization", "NewsArticle"]
    assert _meta('{"@type": "WebSite", "name": "Fjord Post"} ' + ARTICLE).authors == ("Mira Solberg",)


def test_garbage_gives_nothing_not_an_error() -> None:
    assert jsonld.loads("{not json at all") == []
    assert jsonld.loads("") == []
    assert jsonld.objects(("[" * 10000,)) == ()
