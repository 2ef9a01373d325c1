"""``auditor batch`` as a user relies on it: resumable, each URL once, failures isolated.

A small web server this file starts on 127.0.0.1 answers every link and counts requests
per path; ``/gate/`` paths wait until the test opens the gate, so a run can be interrupted
at a known point without sleeping. Articles are generated here from seeded word lists.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from auditor.batch import BatchOptions, BatchStats, Event, run_batch
from auditor.check.probe import probe_url
from auditor.errors import AuditorError
from auditor.models import Audit, CheckOptions
from auditor.report import render as render_module
from auditor.store import Store
from tests.conftest import ROOT

WORDS = (
    "harbour council ferry budget minister port strike union wages vote timetable engineers report inquiry shipping cargo fuel prices winter storm coast "
    "village mayor contract bridge court ruling appeal fishermen quota licence survey residents protest plan funding energy grid turbine offshore wind tender delay audit accounts pension school hospital nurses"
).split()


# ----------------------------------------------------------------------------- a local web

_CORPUS_PATH = re.compile(r"^/(?:p|own|gone|gate)/\d{1,3}$")


class _Web:
    def __init__(self) -> None:
        self.seen: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.gate = threading.Event()
        self.gate.set()
        self.waiting = threading.Semaphore(0)
        self.port = 0
        self.strict = False  # True: only the corpus's own paths exist, the rest are real 404s

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
        self.waiting = threading.Semaphore(0)
        self.gate.set()


def _handler(web: _Web) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self.do_GET()

        def do_GET(self) -> None:
            with web.lock:
                web.seen[self.path] += 1
            if self.path.startswith("/gate/"):
                web.waiting.release()
                web.gate.wait(30)
            status = 404 if self.path.startswith("/gone/") else 200
            if web.strict and not _CORPUS_PATH.match(self.path):
                status = 404
            body = f"<html><head><title>Report {self.path}</title></head><body><p>{' '.join(WORDS)}</p></body></html>"
            data = body.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            except OSError:
                pass  # the client was killed mid-request

    return Handler


@pytest.fixture(scope="module")
def web() -> Iterator[_Web]:
    state = _Web()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    state.gate.set()
    server.shutdown()
    server.server_close()


# ----------------------------------------------------------------------------- a corpus


def _body(seed: int, links: list[tuple[str, str]], paragraphs: int = 5) -> str:
    rng = random.Random(seed)
    out = []
    for p in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(60)]
        text = " ".join(words).capitalize() + "."
        mine = links[p::paragraphs]
        anchors = " ".join(f'See <a href="{url}">{text}</a>.' for url, text in mine)
        out.append(f"<p>{text} {anchors}</p>")
    return "\n".join(out)


def _page(site: str, title: str, date: str, body: str, *, intro: str = "", footer: str = "") -> str:
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>{title} | {site}</title>
<meta property="og:site_name" content="{site}"><meta property="article:published_time" content="{date}"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<article><h1>{title}</h1><p class="byline">By Ada Lindqvist</p>{intro}{body}</article>
<aside><h2>Most read</h2><ul><li><a href="/most/1">Ferry timetable changes again</a></li>
<li><a href="/most/2">Council votes on the bridge contract</a></li></ul></aside>
<footer><p>Copyright {site}. All rights reserved. {footer}</p><a href="/about">About us</a></footer></body></html>"""


@dataclass
class Corpus:
    folder: Path
    sources: list[str] = field(default_factory=list)
    copies: dict[str, str] = field(default_factory=dict)  # later copy -> original


def make_corpus(
    folder: Path, web: _Web, articles: int, *, shared: int = 12, gate_from: int | None = None
) -> Corpus:
    """Articles citing a pool of shared URLs plus a unique one each; two edited copies."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(folder)
    for i in range(articles):
        rng = random.Random(i)
        cited = [(web.url(f"/p/{n}"), f"shared report {n}") for n in rng.sample(range(shared), 6)]
        cited.append((web.url(f"/own/{i}"), "our own notes"))
        if i % 7 == 3:
            cited.append((web.url(f"/gone/{i}"), "a page that was removed"))
        if gate_from is not None and i >= gate_from:
            cited.append((web.url(f"/gate/{i}"), "a slow page"))
        html = _page(
            "Harbour Herald", f"Story {i} on the harbour", f"2024-03-{1 + i % 28:02d}", _body(i, cited)
        )
        path = folder / f"herald/story-{i:03d}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        corpus.sources.append(str(path))
    for original in (1, 2):  # copies on another site: new header, intro line and footer
        rng = random.Random(original)
        cited = [(web.url(f"/p/{n}"), f"shared report {n}") for n in rng.sample(range(shared), 6)]
        cited.append((web.url(f"/own/{original}"), "our own notes"))
        html = _page(
            "Coastal Mirror", f"Story {original}: the harbour (republished)", "2024-04-15", _body(original, cited),
            intro="<p><em>Editor's note: we bring you this story from a partner publication.</em></p>",
            footer="Support independent journalism: subscribe today for weekly updates.",
        )  # fmt: skip
        path = folder / f"mirror/copy-of-{original}.html"
        path.parent.mkdir(exist_ok=True)
        path.write_text(html, encoding="utf-8")
        corpus.copies[str(path)] = corpus.sources[original]
        corpus.sources.append(str(path))
    return corpus


# ----------------------------------------------------------------------------- helpers


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Event, str]] = []

    def __call__(self, stats: BatchStats, event: Event, detail: str = "") -> None:
        if event is not Event.URL:
            self.events.append((event, detail))


def options(folder: Path, tmp: Path, name: str = "run", **extra: object) -> BatchOptions:
    # Without site probes: this web answers every path alike (see the probe test below).
    check = CheckOptions(allow_private=True, archive=False, timeout=5.0, retries=0, probe=False)
    values: dict[str, object] = {"out_dir": tmp / name / "reports", "db_path": tmp / name / "audit.db"}
    values |= {"check": check, "chunk": 8, "workers": 2} | extra
    return BatchOptions(folder=folder, **values)  # type: ignore[arg-type]


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """The database content a user reads: no ids, run ids or timestamps."""
    con = sqlite3.connect(db)
    try:
        out = {
            "articles": con.execute(
                "SELECT source, format, title, authors, published, outlet, outlet_domain, canonical_url,"
                " language, content_hash, body_text FROM articles ORDER BY source"
            ).fetchall(),
            "failures": con.execute("SELECT source, error FROM failures ORDER BY source").fetchall(),
            "latest": con.execute(
                "SELECT url, status, http_status FROM latest_checks ORDER BY url"
            ).fetchall(),
        }
        for table in ("links", "attributions", "crossposts", "quote_checks"):
            cursor = con.execute(
                f"SELECT articles.source, {table}.* FROM {table} JOIN articles ON articles.id = {table}.article_id"
                f" ORDER BY articles.source, {table}.position"
            )
            names = [d[0] for d in cursor.description]
            ids = ("id", "article_id", "attribution_id", "run_id", "checked_at")
            keep = [i for i, n in enumerate(names) if n not in ids]
            out[table] = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
    finally:
        con.close()
    return out


def run_cli_batch(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "auditor", "batch", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def cli_args(folder: Path, tmp: Path, name: str) -> list[str]:
    return [str(folder), "--out", str(tmp / name / "reports"), "--db", str(tmp / name / "audit.db"),
            "--allow-private", "--no-archive", "--timeout", "5"]  # fmt: skip


def wait_for(predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db)
    try:
        return int(con.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        con.close()


# ----------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def reference(
    web: _Web, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Corpus, dict[str, list[tuple[object, ...]]]]:
    """One uninterrupted run: what every interrupted-and-resumed run must end as."""
    tmp = tmp_path_factory.mktemp("reference")
    corpus = make_corpus(tmp / "corpus", web, 22)
    web.reset()
    stats = run_batch(options(corpus.folder, tmp), Recorder())
    assert stats.audited == 24 and stats.failed == 0
    return corpus, snapshot(tmp / "run" / "audit.db")


def test_each_distinct_url_is_requested_exactly_once(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 20, shared=8)
    web.reset()
    stats = run_batch(options(corpus.folder, tmp_path), Recorder())
    assert stats.audited == 22
    assert web.seen["/p/0"] == 1 and len([p for p in web.seen if p.startswith("/p/")]) == 8
    assert set(web.seen.values()) == {1}, {p: n for p, n in web.seen.items() if n != 1}
    assert stats.urls_checked == len(web.seen)
    web.reset()
    again = run_batch(options(corpus.folder, tmp_path, force=True), Recorder())
    assert again.audited == 22 and not web.seen  # --force redoes the articles; the cache answers


def test_a_batch_asks_each_site_section_once_and_the_next_run_asks_nothing(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 20, shared=8)
    web.reset()
    web.strict = True
    try:
        probing = CheckOptions(allow_private=True, archive=False, timeout=5.0, retries=0)
        stats = run_batch(options(corpus.folder, tmp_path, check=probing), Recorder())
        assert stats.audited == 22 and stats.broken == 3  # the three /gone/ links, as 404s
        probes = {path: n for path, n in web.seen.items() if not _CORPUS_PATH.match(path)}
        sections = (web.url("/p/{num}"), web.url("/own/{num}"))  # /gone/ answered 404: nothing to ask
        assert probes == {urlsplit(probe_url(key)).path: 1 for key in sections}
        assert set(web.seen.values()) == {1}  # and every link once
        assert len(probes) / stats.urls_checked < 0.1
        web.reset()
        again = run_batch(options(corpus.folder, tmp_path, check=probing, force=True), Recorder())
        assert again.audited == 22 and not web.seen  # checks and probes both from the database
    finally:
        web.strict = False


def test_near_duplicates_found_on_edited_copies_not_on_template_siblings(
    reference: tuple[Corpus, dict[str, list[tuple[object, ...]]]],
) -> None:
    corpus, snap = reference
    near = [(str(row[0]), row) for row in snap["crossposts"] if "near-duplicate" in row]
    found = {source for source, _ in near}
    assert found == set(corpus.copies)  # the two copies, and none of the 22 same-template stories
    for source, row in near:
        assert corpus.copies[source] in " ".join(str(v) for v in row)  # names the earlier copy
        assert "Harbour Herald" in row


@pytest.mark.parametrize("crash_after", [0, 5, 13, 22, 23])
def test_resume_after_a_crash_ends_like_an_uninterrupted_run(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_after: int,
    reference: tuple[Corpus, dict[str, list[tuple[object, ...]]]],
) -> None:  # fmt: skip
    """Crash inside the store after N commits (22 and 23: before each copy, whose commit
    carries its near-duplicate record)."""
    corpus, expected = reference
    original, calls = Store.save_audit, Counter[str]()

    def failing(self: Store, *args: object, **kwargs: object) -> int:
        if calls["n"] >= crash_after:
            raise sqlite3.OperationalError("disk I/O error (simulated crash)")
        calls["n"] += 1
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "save_audit", failing)
    with pytest.raises(sqlite3.OperationalError):
        run_batch(options(corpus.folder, tmp_path), Recorder())
    assert stored(tmp_path / "run" / "audit.db") == min(crash_after, 24)
    monkeypatch.setattr(Store, "save_audit", original)
    stats = run_batch(options(corpus.folder, tmp_path), Recorder())
    assert stats.skipped == min(crash_after, 24) and stats.audited == 24 - stats.skipped
    assert snapshot(tmp_path / "run" / "audit.db") == expected


def test_crash_while_writing_the_index_is_resumed(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    reference: tuple[Corpus, dict[str, list[tuple[object, ...]]]],
) -> None:  # fmt: skip
    corpus, expected = reference

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("no space left on device")

    monkeypatch.setattr(render_module, "write_corpus_index", broken)  # imported where it is used
    with pytest.raises(OSError):
        run_batch(options(corpus.folder, tmp_path), Recorder())
    monkeypatch.undo()
    stats = run_batch(options(corpus.folder, tmp_path), Recorder())
    assert stats.skipped == 24 and stats.near_duplicates == 2
    assert (tmp_path / "run" / "reports" / "index.html").is_file()
    assert snapshot(tmp_path / "run" / "audit.db") == expected


def test_broken_files_are_recorded_and_the_batch_goes_on(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 3)
    broken = corpus.folder / "broken"
    broken.mkdir()
    (broken / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (broken / "empty.txt").write_bytes(b"")
    (broken / "gone.md").symlink_to(broken / "deleted-long-ago.md")
    unreadable = broken / "locked.html"
    unreadable.write_text("<p>secret</p>")
    unreadable.chmod(0)
    result = subprocess.run(
        [sys.executable, "-m", "auditor", "batch", *cli_args(corpus.folder, tmp_path, "cli"), "--offline"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    con = sqlite3.connect(tmp_path / "cli" / "audit.db")
    failures = dict(con.execute("SELECT source, error FROM failures").fetchall())
    articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert articles == 5 + (os.geteuid() == 0)  # every good article, despite the broken ones
    expected = {"picture.html": "binary", "empty.txt": "empty", "gone.md": "a symbolic link to nothing"}
    if os.geteuid() != 0:  # root reads a mode-000 file anyway
        expected["locked.html"] = "cannot read"
    for name, reason in expected.items():
        error = failures[str(broken / name)]
        assert error.startswith(str(broken / name)) and reason in error and "\n" not in error
        assert f"failed: {broken / name}" in result.stderr
    index = BeautifulSoup((tmp_path / "cli" / "reports" / "index.html").read_text(), "lxml")
    section = index.find(id="failures")
    assert section is not None and "picture.html" in section.get_text()


def test_include_exclude_and_jsonl(web: _Web, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    corpus = make_corpus(folder, web, 4)
    (folder / "drafts").mkdir()
    (folder / "drafts" / "draft.html").write_text(
        _page("Harbour Herald", "Draft", "2024-01-01", _body(99, []))
    )
    (folder / "notes.md").write_text("# Notes\n\nSee [the report](http://127.0.0.1:9/x) for details.\n")
    jsonl = tmp_path / "out" / "audits.jsonl"
    opts = options(folder, tmp_path, include=("*.html",), exclude=("drafts/*", "copy-of-2.html"), jsonl=jsonl,
                   check=CheckOptions(offline=True))  # fmt: skip
    stats = run_batch(opts, Recorder())
    lines = [json.loads(line) for line in jsonl.read_text().splitlines()]
    sources = sorted(obj["source"] for obj in lines)
    assert stats.found == 5 and sources == sorted(
        [*corpus.sources[:4], str(folder / "mirror/copy-of-1.html")]
    )
    assert all(
        link["status"] == "unchecked" for obj in lines for link in obj["links"] if link["kind"] == "web"
    )
    assert run_batch(opts, Recorder()).skipped == 5
    assert len(jsonl.read_text().splitlines()) == 5  # nothing appended for unchanged articles
    with pytest.raises(AuditorError, match=r"no \.html"):
        run_batch(options(folder, tmp_path, include=("*.pdf",)), Recorder())


def test_reports_folder_inside_the_corpus_is_not_audited(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 2)
    opts = options(
        corpus.folder, tmp_path, out_dir=corpus.folder / "reports", check=CheckOptions(offline=True)
    )
    run_batch(opts, Recorder())
    assert run_batch(opts, Recorder()).found == 4  # not the reports the first run wrote there


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _interrupt_mid_run(web: _Web, tmp: Path, corpus: Corpus, sig: int) -> subprocess.Popen[str]:
    """Start the CLI, let the first chunk commit, wait until it is stuck on gated URLs, signal it."""
    web.reset()
    web.gate.clear()
    proc = run_cli_batch(*cli_args(corpus.folder, tmp, "cut"))
    db = tmp / "cut" / "audit.db"
    try:
        wait_for(lambda: stored(db) >= 32, "the first chunk to be committed")
        assert web.waiting.acquire(timeout=20)  # the second chunk's gated URLs are in flight
        helpers = _descendants(proc.pid)  # fork server and parsing workers
        assert helpers
        os.kill(proc.pid, sig)
        proc.wait(timeout=15)
        # nothing is left running behind a killed batch, not even its idle workers
        wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in helpers), "the helpers to exit", 15)
    finally:
        web.gate.set()
        if proc.poll() is None:
            proc.kill()
    assert stored(db) == 32  # the chunk in flight left nothing behind
    return proc


def test_workers_end_while_a_killed_batch_is_still_an_unreaped_zombie(web: _Web, tmp_path: Path) -> None:
    """``kill(pid, 0)`` succeeds on a zombie: the workers must check who their batch is."""
    corpus = make_corpus(tmp_path / "corpus", web, 46, gate_from=32)
    web.reset()
    web.gate.clear()
    proc = run_cli_batch(*cli_args(corpus.folder, tmp_path, "zombie"))
    try:
        wait_for(lambda: stored(tmp_path / "zombie" / "audit.db") >= 32, "the first chunk to be committed")
        helpers = _descendants(proc.pid)
        assert helpers
        os.kill(proc.pid, signal.SIGKILL)
        wait_for(lambda: _state(proc.pid) == "Z", "the batch to become a zombie")
        wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in helpers), "the helpers to exit", 10)
        assert _state(proc.pid) == "Z"  # not reaped yet: the workers did not wait for that
    finally:
        web.gate.set()
        proc.kill()
        proc.communicate()


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


def test_sigkill_mid_run_then_rerun_equals_an_uninterrupted_run(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 46, gate_from=32)
    web.reset()
    whole = subprocess.run(
        [sys.executable, "-m", "auditor", "batch", *cli_args(corpus.folder, tmp_path, "whole")],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert whole.returncode == 0, whole.stderr
    _interrupt_mid_run(web, tmp_path, corpus, signal.SIGKILL)
    web.reset()
    rerun = run_cli_batch(*cli_args(corpus.folder, tmp_path, "cut"))
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    assert "32 unchanged and skipped" in err
    assert snapshot(tmp_path / "cut" / "audit.db") == snapshot(tmp_path / "whole" / "audit.db")


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 46, gate_from=32)
    started = time.monotonic()
    proc = _interrupt_mid_run(web, tmp_path, corpus, signal.SIGINT)
    _, err = proc.communicate(timeout=5)
    assert proc.returncode == 130, err
    assert "interrupted after 32 of 48 articles" in err and "rerun the same command to resume" in err
    assert "Traceback" not in err
    assert time.monotonic() - started < 20
    web.reset()
    rerun = run_cli_batch(*cli_args(corpus.folder, tmp_path, "cut"))
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0 and stored(tmp_path / "cut" / "audit.db") == 48, err


def test_sigterm_stops_like_ctrl_c_and_the_run_says_interrupted(web: _Web, tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 46, gate_from=32)
    proc = _interrupt_mid_run(web, tmp_path, corpus, signal.SIGTERM)
    _, err = proc.communicate(timeout=5)
    assert proc.returncode == 143, err
    assert "terminated after 32 of 48 articles" in err and "Traceback" not in err
    con = sqlite3.connect(tmp_path / "cut" / "audit.db")
    try:
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        assert con.execute("SELECT count(*) FROM locks").fetchone() == (0,)  # the next batch may start
    finally:
        con.close()


def test_an_article_whose_report_cannot_be_written_is_a_failure_not_a_crash(
    web: _Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = make_corpus(tmp_path / "corpus", web, 3)
    from auditor.report.render import write_report as real

    def picky(audit: Audit, out_dir: Path) -> Path:
        if audit.article.source.endswith("story-001.html"):
            raise KeyError("title\nwith a newline")
        return real(audit, out_dir)

    monkeypatch.setattr(render_module, "write_report", picky)
    stats = run_batch(options(corpus.folder, tmp_path, check=CheckOptions(offline=True)), Recorder())
    assert stats.failed == 1 and stats.audited == 4
    store = Store.open(tmp_path / "run" / "audit.db")
    try:
        ((source, error),) = store.failures()
        assert (
            source == corpus.sources[1] and "cannot write its report (KeyError" in error and "\n" not in error
        )
        assert source not in {a.article.source for a in store.audits()}  # retried on the next run
    finally:
        store.close()


def test_symlink_leading_outside_the_folder_is_not_followed(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "good.md").write_text(
        "# Good\n\nThe ministry [said](https://gov.example.org/a) so on Monday.\n"
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (folder / "passwd.txt").symlink_to(secret)
    stats = run_batch(options(folder, tmp_path, check=CheckOptions(offline=True)), Recorder())
    assert stats.audited == 1 and stats.failed == 1
    con = sqlite3.connect(tmp_path / "run" / "audit.db")
    failures = dict(con.execute("SELECT source, error FROM failures").fetchall())
    bodies = " ".join(r[0] for r in con.execute("SELECT body_text FROM articles"))
    con.close()
    assert "outside" in failures[str(folder / "passwd.txt")]
    assert "root:x" not in bodies
    reports = " ".join(p.read_text() for p in (tmp_path / "run" / "reports").glob("*.html"))
    assert "root:x" not in reports


def test_same_files_typed_two_ways_are_one_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An article is its absolute path: a rerun from another folder resumes, never duplicates."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(3):
        (folder / f"a{n}.md").write_text(
            f"# Story {n}\n\nOfficials said on Monday that item {n} was ready.\n"
        )
    monkeypatch.chdir(tmp_path)
    first = run_batch(options(Path("corpus"), tmp_path, check=CheckOptions(offline=True)), Recorder())
    again = run_batch(options(folder, tmp_path, check=CheckOptions(offline=True)), Recorder())
    assert (first.audited, again.audited, again.skipped) == (3, 0, 3)
    assert stored(tmp_path / "run" / "audit.db") == 3
