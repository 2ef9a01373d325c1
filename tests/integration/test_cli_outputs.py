"""What the commands write and say, as a user sees it: honest labels, shareable paths, an index
kept current, CSV for spreadsheets, quiet and verbose output, skipped files with why."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import CASSETTE, EXAMPLE_DOMAINS, EXAMPLES, run_cli

WIRE = EXAMPLES / "wire-harbour-strike.md"


def _audit(tmp: Path, *args: str, source: Path = WIRE) -> tuple[str, str, int]:
    out = tmp / "reports"
    done = run_cli("audit", str(source), "--out", str(out), "--db", str(out / "audit.db"), *args)
    return done.stdout, done.stderr, done.returncode


def _report(tmp: Path, name: str = "wire-harbour-strike") -> BeautifulSoup:
    path = next((tmp / "reports").glob(f"*{name}*.html"))
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def test_an_offline_audit_says_so_everywhere_and_claims_nothing(tmp_path: Path) -> None:
    stdout, _, code = _audit(tmp_path, "--offline")
    assert code == 0
    assert "links not checked: offline (14 web links)" in stdout
    assert "broken 0" not in stdout
    soup = _report(tmp_path)
    assert soup.select_one("#verdict .mode").get_text().startswith("Links not checked: offline.")
    assert "14 web links not checked (offline)" in soup.select_one("#verdict .sentence").get_text()
    broken = next(s for s in soup.select("#verdict .stat") if "broken" in s.span.get_text())
    assert broken.b.get_text() == "–"  # not "0 broken": nothing was looked at
    footer = soup.select_one("footer").get_text(" ", strip=True)
    assert "links checked: offline" in footer and "--offline" in footer and "auditor 0.1.0" in footer


def test_an_offline_reaudit_keeps_the_last_real_checks_with_their_date(tmp_path: Path) -> None:
    _, _, code = _audit(tmp_path, "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS))
    assert code == 0
    before = {r["data-status"] for r in _report(tmp_path).select("#links-table tbody tr")}
    stdout, _, code = _audit(tmp_path, "--offline", "--domains", str(EXAMPLE_DOMAINS))
    assert code == 0
    assert "14 of 14 web links checked" in stdout and "broken 7" in stdout
    soup = _report(tmp_path)
    after = {r["data-status"] for r in soup.select("#links-table tbody tr")}
    assert after == before  # the recorded timeout and DNS failure too: history, dated, not answers
    assert "The results shown are the last real checks of" in soup.select_one("#verdict .mode").get_text()
    assert all(
        "checked 20" in td.get_text()
        for td in soup.select("#links-table td.status")
        if "dead" in td.get_text()
    )
    out = tmp_path / "reports"
    assert run_cli("report", "--db", str(out / "audit.db"), "--out", str(out)).returncode == 0
    assert {r["data-status"] for r in _report(tmp_path).select("#links-table tbody tr")} == after  # agree


def test_reports_name_files_without_the_machines_paths(tmp_path: Path) -> None:
    folder = tmp_path / "corpus" / "nested"
    folder.mkdir(parents=True)
    shutil.copy(WIRE, folder / "wire.md")
    _audit(tmp_path, "--offline", source=folder / "wire.md")
    html = next((tmp_path / "reports").glob("*.html")).read_text(encoding="utf-8")
    assert str(tmp_path) not in html and "wire.md" in html
    out = tmp_path / "batch-out"
    done = run_cli(
        "batch", str(tmp_path / "corpus"), "--offline", "--out", str(out), "--db", str(out / "a.db")
    )
    assert done.returncode == 0, done.stderr
    for page in out.glob("*.html"):
        assert str(tmp_path) not in page.read_text(encoding="utf-8"), page.name
    assert "nested/wire.md" in (out / "index.html").read_text(encoding="utf-8")


def test_audit_keeps_an_existing_index_current(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first, _, _ = _audit(tmp_path, "--offline")
    assert "index:" not in first  # no index yet: none is made behind the user's back
    assert run_cli("report", "--db", str(out / "audit.db"), "--out", str(out)).returncode == 0
    stdout, _, _ = _audit(tmp_path, "--offline", source=EXAMPLES / "crosspost-monitor.html")
    assert f"index: {out / 'index.html'} (updated)" in stdout
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    titles = {a.get_text() for a in index.select("#articles-table td a")}
    assert "Arctic Shipping Lanes Become the New Front Line" in titles


def test_quiet_prints_nothing_and_verbose_prints_standing_and_dates(tmp_path: Path) -> None:
    stdout, stderr, code = _audit(tmp_path, "--offline", "-q")
    assert (stdout, stderr, code) == ("", "", 0)
    stdout, _, _ = _audit(tmp_path, "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS), "-v")
    assert "standing: RIA Novosti: Russian state media" in stdout
    assert "date: 21 May 2024 · Continental Wire Service: published" in " ".join(stdout.split())


def test_check_is_quiet_or_lists_every_url(tmp_path: Path) -> None:
    args = ["check", str(WIRE), "--replay", str(CASSETTE), "--no-archive"]
    quiet = run_cli(*args, "-q", "--fail-on", "broken")
    assert (quiet.stdout, quiet.returncode) == ("", 1)  # the exit status, and stderr's one line
    assert quiet.stderr == "auditor: 7 broken URL(s)\n"
    normal, every = run_cli(*args).stdout, run_cli(*args, "-v").stdout
    assert "problems" in normal and "every URL" in every
    assert "marinetraffic.com" in normal  # blocked: a problem
    assert "government-example.nl" not in normal and "government-example.nl" in every  # moved: only -v


def test_audit_json_carries_the_verdict_sentence(tmp_path: Path) -> None:
    stdout, _, code = _audit(tmp_path, "--offline", "--json")
    assert code == 0
    assert json.loads(stdout)["verdict"].startswith("No sign it was first published elsewhere.")


def test_extract_text_prints_the_body_text() -> None:
    done = run_cli("extract", str(WIRE), "--text")
    assert done.returncode == 0
    assert done.stdout.startswith("Dock workers extend strike as talks collapse in Rotterdam\n\nROTTERDAM")
    assert "{" not in done.stdout.splitlines()[0]
    both = run_cli("extract", str(WIRE), "--text", "--json")
    assert both.returncode == 2 and "--json and --text contradict" in both.stderr
    assert json.loads(run_cli("extract", str(WIRE), "--json").stdout)["outlet"] == "Continental Wire Service"


def test_batch_lists_what_it_leaves_out_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / "drafts").mkdir()
    shutil.copy(WIRE, folder / "wire.md")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / ".notes.md").write_text("# notes\n", encoding="utf-8")
    (folder / "drafts" / "todo.md").write_text("# todo\n", encoding="utf-8")
    out = tmp_path / "out"
    args = ["batch", str(folder), "--offline", "--out", str(out), "--db", str(out / "a.db")]
    done = run_cli(*args, "--exclude", "drafts/*", "--no-progress")
    assert done.returncode == 0, done.stderr
    said = done.stderr.splitlines()
    assert "not audited (4):" in said
    for line in (
        "  .git: a hidden folder",
        "  .notes.md: a hidden file",
        "  drafts/todo.md: matched by --exclude",
    ):
        assert line in said
    assert any(s.startswith("  photo.jpg: not an article format (.jpg") for s in said)
    quiet = run_cli(*args, "--force", "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_batch_says_how_its_urls_were_resolved(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["batch", str(EXAMPLES), "--out", str(out), "--db", str(out / "a.db"), "--no-progress", "--force"]
    offline = run_cli(*args, "--offline")
    assert offline.returncode == 0, offline.stderr
    said = offline.stdout + offline.stderr
    assert "distinct URLs not checked (offline)" in said and "URLs not checked (offline) ·" in said
    assert "checked ·" not in said.replace("not checked (offline) ·", "")  # never 'N URLs checked'
    replay = run_cli(*args, "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS))
    assert "65 distinct URLs from the cassette" in replay.stdout


def test_export_writes_csv_a_spreadsheet_reads_safely(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        '# =HYPERLINK("https://evil.example","click")\n\n'
        "The ministry said the port was closed, according to [=cmd|' /C calc'!A0](https://gov.example/x).\n",
        encoding="utf-8",
    )
    _audit(tmp_path, "--offline", source=hostile)
    db = tmp_path / "reports" / "audit.db"
    done = run_cli("export", "--db", str(db))
    assert done.returncode == 0, done.stderr
    for table in ("links", "sources", "chains"):
        assert f"{table}.csv" in done.stdout
    raw = (tmp_path / "reports" / "links.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the mark
    rows = list(csv.DictReader((tmp_path / "reports" / "links.csv").open(encoding="utf-8-sig")))
    assert rows and all(not str(v).startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    assert rows[0]["article_title"].startswith("'=HYPERLINK")  # shown as text, never run
    assert "chains.csv: 0 rows" in done.stdout  # no cross-post in it: the header alone
    [header] = (tmp_path / "reports" / "chains.csv").read_text(encoding="utf-8-sig").splitlines()
    assert header.startswith("article_title,article_source")
    one = run_cli("export", "links", "--db", str(db), "--out", "-")
    assert one.stdout.splitlines()[0].lstrip("\ufeff").startswith("article_title,article_source")


@pytest.mark.parametrize("args", [["export", "nothing"], ["export", "--out", "-"]])
def test_export_usage_errors(tmp_path: Path, args: list[str]) -> None:
    done = run_cli(*args, "--db", str(tmp_path / "missing.db"))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1
