"""'4 of 11 sources are unnamed', end to end: issue 10's extractor finds the anonymous and generic
sources of an article written for this test, and the verdict sentence, the report's tile and list,
the terminal summary, ``audit --json``, the database and the CSV export all count them the same."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from bs4 import BeautifulSoup

from tests.conftest import ROOT, run_cli

ARTICLE = ROOT / "tests" / "fixtures" / "report" / "unnamed-sources.md"
UNNAMED = ["Senior officials at city hall", "Residents", "A senior council official", "Experts"]


def _audit(tmp: Path, *args: str) -> str:
    out = tmp / "reports"
    done = run_cli(
        "audit", str(ARTICLE), "--offline", "--out", str(out), "--db", str(out / "audit.db"), *args
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_verdict_counts_the_unnamed_sources_the_extractor_finds(tmp_path: Path) -> None:
    stdout = _audit(tmp_path)
    assert "Cites 11 sources. 4 of 11 sources are unnamed." in " ".join(stdout.split())
    assert "sources 11 (4 unnamed)" in stdout
    assert "offline (1 web link)" in stdout  # one link, said in the singular
    soup = BeautifulSoup(next((tmp_path / "reports").glob("report-*.html")).read_text("utf-8"), "lxml")
    assert "4 of 11 sources are unnamed." in soup.select_one("#verdict .sentence").get_text()
    tile = soup.select_one("#verdict .stat.unnamed")
    assert tile.b.get_text() == "4" and tile.span.get_text() == "of 11 sources unnamed"
    assert soup.select_one("#sources h2 .count").get_text() == "7 named, 4 unnamed"
    assert [li.b.get_text() for li in soup.select("#sources ul.unnamed li")] == [
        "Senior officials at city hall", "Residents", "senior council official", "Experts"
    ]  # fmt: skip
    cards = [c.select_one(".who").contents[0].strip() for c in soup.select("#sources article.source")]
    assert not set(cards) & set(UNNAMED) and len(cards) == 7


def test_json_the_database_and_the_export_carry_the_kind(tmp_path: Path) -> None:
    data = json.loads(_audit(tmp_path, "--json"))
    assert "4 of 11 sources are unnamed." in data["verdict"]
    assert [a["source"] for a in data["attributions"] if a["kind"] == "anonymous"] == UNNAMED
    db = tmp_path / "reports" / "audit.db"
    with sqlite3.connect(db) as conn:
        kinds = dict(conn.execute("SELECT kind, count(*) FROM attributions GROUP BY kind").fetchall())
    assert kinds["anonymous"] == 4 and sum(kinds.values()) == 11
    done = run_cli("export", "sources", "--db", str(db), "--out", "-")
    rows = list(csv.DictReader(done.stdout.splitlines()))
    assert [r["source"] for r in rows if r["kind"] == "anonymous"] == UNNAMED
