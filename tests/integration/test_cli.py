"""The CLI as a user drives it: help, JSON contract, exit codes, one-line errors, reports."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.conftest import CASSETTE, EXAMPLE_DOMAINS, EXAMPLES, SAMPLE, run_cli

COMMANDS = ["extract", "audit", "check", "batch", "report"]
DESIGN_KEYS = [
    "source", "format", "title", "authors", "published", "outlet", "outlet_domain",
    "canonical_url", "crossposts", "links", "attributions",
]  # fmt: skip


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0
    assert "Usage" in result.stdout and len(result.stdout.splitlines()) > 5


def test_extract_prints_the_design_json_in_order() -> None:
    result = run_cli("extract", str(EXAMPLES / "crosspost-monitor.html"))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data)[: len(DESIGN_KEYS)] == DESIGN_KEYS
    assert data["format"] == "html"
    assert data["title"] == "Arctic Shipping Lanes Become the New Front Line"
    link_keys = ["url", "href", "text", "region", "kind", "domain", "category", "context"]
    assert all(list(link)[:8] == link_keys for link in data["links"])
    assert data["crossposts"][0]["original_outlet"] == "North Sea Chronicle"


def _file(folder: Path, name: str, data: bytes) -> Path:
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.html", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _file(d, "empty.txt", b""), "empty"),
        (lambda d: _file(d, "pic.html", b"\x89PNG\r\n\x1a\n\x00\x00"), "binary"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path)
    result = run_cli("extract", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]


def test_audit_from_cassette_writes_report_and_database(tmp_path: Path) -> None:
    out, db = tmp_path / "reports", tmp_path / "reports" / "audit.db"
    args = ["audit", str(EXAMPLES / "wire-harbour-strike.md"), "--replay", str(CASSETTE)]
    args += ["--domains", str(EXAMPLE_DOMAINS), "--out", str(out), "--db", str(db)]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "report:" in result.stdout
    reports = list(out.glob("*.html"))
    assert len(reports) == 1
    soup = BeautifulSoup(reports[0].read_text(encoding="utf-8"), "lxml")
    assert "Dock workers extend strike" in soup.get_text()
    with sqlite3.connect(db) as conn:
        statuses = dict(conn.execute("SELECT url, status FROM checks").fetchall())
    assert statuses["https://www.fnv-havens-example.nl/docs/eisen.pdf"] == "dead"
    assert statuses["https://www.fnv-havens-example.nl/tijdlijn"] == "soft-404"
    assert statuses["http://seafreight-analytics.com/research/backlog-model"] == "parked"
    assert statuses["https://www.ft.com/content/0a1b2c3d-dock-strike"] == "blocked"
    assert statuses["https://www.deltaports-association.com/news/joint-response"] == "timeout"

    again = run_cli(*args, "--fail-on", "broken")
    assert again.returncode == 1
    assert "broken link" in again.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 1


def test_audit_json_adds_check_results(tmp_path: Path) -> None:
    result = run_cli(
        "audit", str(EXAMPLES / "cc-republished.html"), "--replay", str(CASSETTE), "--json",
        "--out", str(tmp_path), "--db", str(tmp_path / "a.db"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    by_url = {link["url"]: link for link in data["links"]}
    moved = by_url["https://bit.ly/3xDelta"]
    assert moved["status"] == "redirected"
    assert moved["final_url"] == "https://www.jakarta-planning-example.go.id/en/subsidence-2023"
    assert moved["redirects"] and moved["redirects"][0]["status"] == 301
    assert by_url["https://www.sinking-deltas-project.net/"]["status"] == "server-error"


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not present")
def test_audit_sample_offline_shows_chain_and_placeholders(tmp_path: Path) -> None:
    result = run_cli(
        "audit", str(SAMPLE), "--offline", "--out", str(tmp_path), "--db", str(tmp_path / "a.db")
    )
    assert result.returncode == 0, result.stderr
    assert "Indian Punchline → Global Research" in result.stdout
    report = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    chain = BeautifulSoup(report, "lxml").select_one("ol.chain")
    assert chain is not None
    steps = [li.get_text(" ") for li in chain.find_all("li", recursive=False)]
    assert "Indian Punchline" in steps[0] and "22 Nov 2021" in steps[0]
    assert "Global Research" in steps[-1]
    sentence = BeautifulSoup(report, "lxml").select_one("#verdict .sentence").get_text()
    assert sentence.startswith("Re-post of Indian Punchline (22 Nov 2021).")
    assert "Published by Global Research, rated generally unreliable and blacklisted" in sentence
    assert "Cites 13 sources, 2 of them Russian state media (RT, Tass)." in sentence
    assert sentence.endswith("22 links are placeholders; none could be checked.")
    assert f"verdict: {sentence}"[:60] in " ".join(result.stdout.split())
    data = json.loads(run_cli("extract", str(SAMPLE)).stdout)
    assert data["links"] and all(link["kind"] == "placeholder" for link in data["links"])


def test_check_json_is_one_line_per_distinct_url(tmp_path: Path) -> None:
    result = run_cli(
        "check", str(EXAMPLES), "--replay", str(CASSETTE), "--json", "--domains", str(EXAMPLE_DOMAINS)
    )
    assert result.returncode == 1, result.stderr  # the examples cite broken links: a link checker says so
    assert "broken URL(s)" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    urls = [r["url"] for r in rows]
    assert len(urls) == len(set(urls))
    for key in (
        "url",
        "status",
        "http_status",
        "final_url",
        "redirects",
        "reason",
        "archive_url",
        "articles",
    ):
        assert all(key in r for r in rows)
    dead = next(r for r in rows if r["url"].endswith("/statement-strike"))
    assert dead["status"] == "dead" and dead["archive_url"].startswith("https://web.archive.org/web/2024")
    assert dead["articles"] == [str(EXAMPLES / "wire-harbour-strike.md")]
    assert run_cli("check", str(EXAMPLES), "--replay", str(CASSETTE), "--fail-on", "broken").returncode == 1


def test_report_rerenders_from_database_without_network(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    run_cli(
        "audit", str(EXAMPLES / "cc-republished.html"), "--offline", "--out", str(tmp_path), "--db", str(db)
    )
    for page in tmp_path.glob("*.html"):
        page.unlink()
    result = run_cli("report", "--db", str(db), "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "again").glob("*.html"))
    assert "index.html" in names and len(names) == 2
    assert run_cli("report", "--db", str(tmp_path / "none.db")).returncode == 2


def test_missing_cassette_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("audit", str(EXAMPLES / "cc-republished.html"), "--replay", str(tmp_path / "no.jsonl"))
    assert result.returncode == 2
    assert "no such cassette" in result.stderr and "Traceback" not in result.stderr


def test_check_folder_skips_a_broken_file_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.md").write_text("# Title\n\nThe ministry [said](https://gov.example.org/a) so.\n")
    (folder / "broken.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run_cli("check", str(folder), "--offline", "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["url"] for line in result.stdout.splitlines()] == ["https://gov.example.org/a"]
    assert "skipped" in result.stderr and "broken.html" in result.stderr and "Traceback" not in result.stderr


def test_check_reports_a_malformed_url_as_invalid_not_a_traceback() -> None:
    result = run_cli("check", "http://[::1", "--offline", "--json")
    assert result.returncode == 1 and "Traceback" not in result.stderr  # an invalid URL is broken
    [row] = [json.loads(line) for line in result.stdout.splitlines()]
    assert row["status"] == "invalid-url"


def test_unusable_record_target_fails_before_any_work(tmp_path: Path) -> None:
    result = run_cli(
        "audit", str(EXAMPLES / "cc-republished.html"), "--offline", "--record", str(tmp_path),
        "--out", str(tmp_path / "r"), "--db", str(tmp_path / "r" / "a.db"),
    )  # fmt: skip
    assert result.returncode == 2 and "--record" in result.stderr
    assert not (tmp_path / "r" / "a.db").exists()


def test_check_refuses_fail_on_values_it_cannot_judge() -> None:
    result = run_cli("check", str(EXAMPLES), "--offline", "--fail-on", "state-media")
    assert result.returncode == 2 and "--fail-on broken or placeholder" in result.stderr


def test_allow_private_alone_keeps_metadata_addresses_closed(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli(
        "check", "http://169.254.169.254/latest/meta-data/", "--allow-private", "--json", "--no-archive"
    )
    line = json.loads(out.stdout.splitlines()[0])
    assert line["status"] == "unchecked" and "--allow-link-local opens it" in line["reason"]
    assert "--allow-link-local" in cli("check", "--help").stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--engine", "spark"], "'spark' is not one of local, dask"),
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler and --ship-files need --engine dask"),
        (
            ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:9"],
            "cannot reach the Dask scheduler at tcp://127.0.0.1:9",
        ),
        (["--engine", "dask", "--record", "x.jsonl"], "--record needs one process"),
    ],
)
def test_batch_engine_mistakes_are_one_line_and_exit_2(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "out"
    result = run_cli(
        "batch", str(EXAMPLES), "--out", str(out), "--db", str(out / "audit.db"), "--offline", *extra
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert message in result.stderr.strip().splitlines()[-1]
