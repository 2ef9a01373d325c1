"""The three questions researchers ask the database first, one query each, and Datasette.

The corpus is the bundled examples audited from their cassette, plus a second copy of the
text export under another name, so that one outlet is re-posted twice, and an article that
leans on unnamed sources. A fourth question, which articles rest on unnamed sources, came
with issue 10's anonymous kind.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlite_utils

from auditor.store.metadata import QUERIES
from tests.conftest import CASSETTE, EXAMPLE_DOMAINS, EXAMPLES, ROOT, run_cli

UNNAMED = ROOT / "tests" / "fixtures" / "report" / "unnamed-sources.md"
DATASETTE = shutil.which("datasette", path=str(Path(sys.executable).parent))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("questions")
    folder = root / "articles"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.csv"))
    text = (folder / "text-export-crosspost.txt").read_text(encoding="utf-8")
    (folder / "gulf-repost.txt").write_text(
        text.replace("Atlantic Dispatch", "Harbour Digest"), encoding="utf-8"
    )
    shutil.copy(UNNAMED, folder / "reservoir.md")  # seven named sources and four unnamed
    out = root / "reports"
    args = ["batch", str(folder), "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS)]
    done = run_cli(*args, "--out", str(out), "--db", str(out / "audit.db"))
    assert done.returncode == 0, done.stderr
    return out / "audit.db"


def _ask(db: Path, query: str, **params: str) -> list[dict[str, object]]:
    return list(sqlite_utils.Database(db).query(QUERIES[query]["sql"], params))


def test_articles_citing_russian_state_media(corpus: Path) -> None:
    rows = _ask(corpus, "articles_citing_state_media", state="Russia")
    titles = {r["article_title"] for r in rows}
    assert titles == {
        "Arctic Shipping Lanes Become the New Front Line",  # TASS and RT
        "The Quiet Return of Gunboat Diplomacy in the Gulf of Guinea",  # Sputnik, twice over
        "Dock workers extend strike as talks collapse in Rotterdam",  # RIA Novosti
    }
    arctic = next(r for r in rows if str(r["article_title"]).startswith("Arctic"))
    assert "CGTN" not in str(arctic["cited"])  # Chinese state media is not Russian
    assert _ask(corpus, "articles_citing_state_media", state="China")


def test_all_broken_links_with_their_article(corpus: Path) -> None:
    rows = _ask(corpus, "broken_links_with_their_article")
    by_url = {r["url"]: r for r in rows}
    pdf = by_url["https://www.fnv-havens-example.nl/docs/eisen.pdf"]
    assert (
        pdf["status"] == "dead"
        and pdf["article_title"] == "Dock workers extend strike as talks collapse in Rotterdam"
    )
    assert pdf["article_report"] and (corpus.parent / str(pdf["article_report"])).is_file()
    assert {r["status"] for r in rows} <= {"dead", "soft-404", "parked", "server-error", "timeout",
                                           "dns-error", "connection-error", "tls-error",
                                           "too-many-redirects", "invalid-url"}  # fmt: skip


def test_the_outlet_most_often_reposted(corpus: Path) -> None:
    rows = _ask(corpus, "most_reposted_outlets")
    assert rows[0]["original_outlet"] == "Lagos Ledger" and rows[0]["reposts"] == 2
    assert set(str(rows[0]["reposted_by"]).split(",")) == {"Atlantic Dispatch", "Harbour Digest"}


def test_articles_resting_on_unnamed_sources(corpus: Path) -> None:
    rows = _ask(corpus, "articles_resting_on_unnamed_sources")
    first = rows[0]
    assert first["title"] == "Reservoir levels fall as the city weighs water limits"
    assert (first["sources"], first["unnamed"], first["unnamed_share"]) == (11, 4, 0.364)
    assert str(first["unnamed_sources"]).split("; ") == [
        "Senior officials at city hall", "Residents", "A senior council official", "Experts"
    ]  # fmt: skip
    wire = next(r for r in rows if str(r["title"]).startswith("Dock workers"))
    assert (wire["unnamed"], wire["unnamed_sources"]) == (1, "Shipping analysts")


def test_metadata_json_is_written_beside_the_database(corpus: Path) -> None:
    meta = json.loads((corpus.parent / "metadata.json").read_text(encoding="utf-8"))
    tables = meta["databases"]["audit"]["tables"]
    assert "status" in tables["links"]["facets"] and tables["checks"]["units"] == {"elapsed_ms": "ms"}
    assert set(meta["databases"]["audit"]["queries"]) == set(QUERIES)


@pytest.fixture(scope="module")
def datasette(corpus: Path) -> Iterator[str]:
    if DATASETTE is None:
        pytest.skip("datasette is not installed (pip install -e '.[dev]')")
    server = subprocess.Popen(
        [
            DATASETTE,
            "serve",
            str(corpus),
            "-m",
            str(corpus.parent / "metadata.json"),
            "-h",
            "127.0.0.1",
            "-p",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    try:
        for line in server.stdout:  # waits on the server's own words, never on a clock
            found = re.search(r"running on (http://127\.0\.0\.1:\d+)", line)
            if found:
                yield found.group(1)
                break
        else:
            pytest.fail("datasette did not start")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_datasette_serves_the_metadata_facets_and_search(datasette: str) -> None:
    with httpx.Client(base_url=datasette, timeout=30) as client:
        facets = client.get("/audit/links.json", params={"_size": 0}).json()["facet_results"]
        statuses = {f["value"] for f in facets["status"]["results"]}
        assert {"ok", "dead", "placeholder"} <= statuses
        page = client.get("/audit/links").text
        assert "Every link of every article" in page  # the table's description
        found = client.get(
            "/audit/articles.json", params={"_search": "Rotterdam", "_shape": "objects"}
        ).json()
        assert [r["title"] for r in found["rows"]] == [
            "Dock workers extend strike as talks collapse in Rotterdam"
        ]
        reposted = client.get("/audit/most_reposted_outlets.json", params={"_shape": "objects"}).json()
        assert reposted["rows"][0]["original_outlet"] == "Lagos Ledger"
