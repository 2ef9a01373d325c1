"""`auditor check` behaves as a link checker is expected to (lychee's conventions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, ROOT, run_cli

LONG = "https://www.regional-archive-example.org/collections/2019/harbour-authority/board-minutes/" + "x" * 60


def cassette(path: Path, answers: dict[str, dict[str, object]]) -> Path:
    lines = []
    for url, answer in answers.items():
        entry = {"method": "GET", "url": url, **answer}
        if "error" not in entry:
            entry.setdefault("headers", {"content-type": "text/html"})
            entry.setdefault("body", "<title>A story</title><p>Text of the story.</p>")
        lines.append(json.dumps(entry))
    path.write_text("\n".join(lines) + "\n")
    return path


def check(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}  # piped and narrow, as in a CI log
    return subprocess.run(
        [sys.executable, "-m", "auditor", "check", *args, "--no-archive", "--no-probe"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, input=stdin, check=False,
    )  # fmt: skip


def test_exit_1_when_a_link_is_broken_and_0_when_none_is(tmp_path: Path) -> None:
    tape = cassette(
        tmp_path / "c.jsonl",
        {"https://a.example.org/ok": {"status": 200}, "https://a.example.org/gone": {"status": 404}},
    )
    bad = check("https://a.example.org/ok", "https://a.example.org/gone", "--replay", str(tape))
    assert bad.returncode == 1 and "1 broken URL(s)" in bad.stderr
    good = check("https://a.example.org/ok", "--replay", str(tape))
    assert good.returncode == 0, good.stderr


def test_urls_from_standard_input_and_from_a_plain_list_file(tmp_path: Path) -> None:
    listing = "https://a.example.org/one\nhttps://b.example.org/two\n\nhttps://a.example.org/one\n"
    piped = check("-", "--offline", "--json", stdin=listing)
    assert piped.returncode == 0, piped.stderr
    rows = [json.loads(line) for line in piped.stdout.splitlines()]
    assert [r["url"] for r in rows] == ["https://a.example.org/one", "https://b.example.org/two"]
    assert rows[0]["articles"] == ["<stdin>"]
    listed = tmp_path / "urls"  # no extension: read for what it is, a text of URLs
    listed.write_text(listing)
    from_file = check(str(listed), "--offline", "--json")
    assert [json.loads(line)["url"] for line in from_file.stdout.splitlines()] == [r["url"] for r in rows]
    empty = check("-", "--offline", stdin="")
    assert empty.returncode == 2 and empty.stderr.count("\n") == 1 and "empty" in empty.stderr


def test_include_and_exclude_are_url_patterns_and_what_they_leave_out_is_counted(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        "A [one](https://a.example.org/one), [two](https://b.example.org/two), [three](https://c.example.org/3)"
        " and [nothing](#) and [mail](mailto:desk@example.org).\n"
    )
    out = check(str(article), "--offline", "--exclude", r"b\.example")
    assert out.stdout.splitlines()[0] == (
        "2 distinct URLs: unchecked 2 · not checked: 1 mailto link, 1 placeholder link, 1 URL excluded"
    )
    only = check(str(article), "--offline", "--json", "--exclude", ".*", "--include", r"^https://c\.")
    assert [json.loads(line)["url"] for line in only.stdout.splitlines()] == ["https://c.example.org/3"]
    included = check(str(article), "--offline", "--json", "--include", r"a\.example")
    assert [json.loads(line)["url"] for line in included.stdout.splitlines()] == ["https://a.example.org/one"]
    bad = check(str(article), "--offline", "--exclude", "(unclosed")
    assert bad.returncode == 2 and "--exclude '(unclosed' is not a regular expression" in bad.stderr
    assert bad.stderr.count("\n") == 1


def test_piped_problems_show_every_url_whole_and_a_host_failure_once(tmp_path: Path) -> None:
    timeouts = {
        f"https://slow.example.net/story/{n}": {
            "error": "timeout",
            "detail": "no complete answer within 10 s",
        }
        for n in range(3)
    }
    tape = cassette(tmp_path / "c.jsonl", {
        LONG: {"status": 404},
        "https://news.example.com/gone-1": {"status": 404},
        "https://news.example.com/gone-2": {"status": 404},
        **timeouts,
    })  # fmt: skip
    result = check(
        LONG,
        "https://news.example.com/gone-1",
        "https://news.example.com/gone-2",
        *timeouts,
        "--replay",
        str(tape),
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(LONG in line for line in lines) and "…" not in "".join(line for line in lines if LONG in line)
    assert [line for line in lines if "slow.example.net" in line] == [
        "timeout            https://slow.example.net/ (all 3 URLs of this host)  timeout: no complete answer"
        " within 10 s (cited by 0)"
    ]
    assert sum("news.example.com/gone-" in line for line in lines) == 2  # dead pages are each their own


def test_the_examples_count_the_placeholders_they_skip() -> None:
    result = run_cli("check", str(EXAMPLES), "--offline")
    assert "20 placeholder links" in result.stdout.splitlines()[0]
    assert run_cli("check", str(EXAMPLES), "--offline", "--fail-on", "placeholder").returncode == 1
