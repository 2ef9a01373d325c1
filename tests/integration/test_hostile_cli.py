"""The CLI against hostile surroundings: damaged and read-only databases, a second batch, odd files.

Each test runs the real entry point and asserts what a user sees: one line on stderr, the exit
status, and what the database says afterwards.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from auditor.store import Store
from tests.conftest import CASSETTE, EXAMPLE_DOMAINS, EXAMPLES, ROOT, run_cli


def _one_line_error(done: subprocess.CompletedProcess[str], words: str, code: int = 2) -> None:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and words in done.stderr
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1, done.stderr


def _batch(folder: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "batch", str(folder), "--out", str(out), "--db", str(out / "audit.db"),
        "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS), *extra,
    )  # fmt: skip


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the four examples, copied by each test that changes it."""
    out = tmp_path_factory.mktemp("audited") / "reports"
    assert _batch(EXAMPLES, out).returncode == 0
    return out / "audit.db"


def _damage(db: Path, table: str) -> None:
    """Overwrite 64 KiB from the first page of ``table`` (the schema itself stays readable)."""
    con = sqlite3.connect(db)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * 65536)


@pytest.mark.parametrize("table", ["links", "articles"])
def test_a_damaged_database_is_one_line_for_report_and_batch(
    audited: Path, tmp_path: Path, table: str
) -> None:
    db = tmp_path / "audit.db"
    shutil.copy(audited, db)
    _damage(db, table)
    _one_line_error(run_cli("report", "--db", str(db), "--out", str(tmp_path / "out")), "is damaged")
    done = run_cli(
        "batch", str(EXAMPLES), "--out", str(tmp_path / "out"), "--db", str(db),
        "--replay", str(CASSETTE), "--domains", str(EXAMPLE_DOMAINS),
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr and "is damaged" in done.stderr


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's own tmp folders are private to us)."""
    folder = Path(tempfile.mkdtemp(prefix="auditor-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def _as_another_user(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI as someone who cannot write the database (root can write anything)."""
    command = [sys.executable, "-m", "auditor", *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: cannot drop the right to write")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    env = {**os.environ, "NO_COLOR": "1", "HOME": "/tmp"}
    return subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False
    )


def test_report_renders_from_a_read_only_database(audited: Path, shared_dir: Path) -> None:
    folder = shared_dir / "db"
    folder.mkdir()
    shutil.copy(audited, folder / "audit.db")
    (folder / "audit.db").chmod(0o444)
    folder.chmod(0o555)  # no -wal or -shm can be made beside it either
    out = shared_dir / "out"
    out.mkdir()
    out.chmod(0o777)
    done = _as_another_user("report", "--db", str(folder / "audit.db"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "4 reports" in done.stdout and (out / "index.html").is_file()


def test_a_second_batch_on_a_database_in_use_says_so(tmp_path: Path) -> None:
    db = tmp_path / "out" / "audit.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_THE_LOCK, str(db)], cwd=ROOT, stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        _one_line_error(_batch(EXAMPLES, tmp_path / "out"), "another batch (process")
    finally:
        holder.kill()
        holder.wait()
    # The holder died without letting go: its lock is taken over, its run marked interrupted.
    done = _batch(EXAMPLES, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    store = Store.open(db)
    try:
        statuses = [r["status"] for r in store.db.query("SELECT status FROM runs ORDER BY id")]
    finally:
        store.close()
    assert statuses == ["interrupted", "finished"]


_HOLD_THE_LOCK = """
import sys
from auditor.store import Store
store = Store.open(sys.argv[1])
store.start_run("batch", {}, "test", lock="batch")
print("holding", flush=True)
sys.stdin.read()
"""


# A signal delivered at a chosen moment, with no sleeping: when a module is first imported
# (start-up, loading the CLI, a stage's first use) or when a pipeline function is called.
_SIGNAL_AT = """
import importlib.abc, os, signal, sys
where, sig = sys.argv[1], getattr(signal, sys.argv[2])

class Trigger(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if where == "import:" + name:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), sig)
        return None

if where.startswith("import:"):
    sys.meta_path.insert(0, Trigger())
else:
    import auditor.pipeline as pipeline
    real = getattr(pipeline, where.split(":")[1])
    def signalled(*args, **kwargs):
        os.kill(os.getpid(), sig)
        return real(*args, **kwargs)
    setattr(pipeline, where.split(":")[1], signalled)
sys.argv = ["auditor", *sys.argv[3:]]
from auditor.__main__ import main
main()
"""
_MOMENTS = ["import:auditor.stopping", "import:typer", "import:rich", "import:auditor.pipeline",
            "import:auditor.parse.markdown", "call:check_article"]  # fmt: skip


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", _MOMENTS)
def test_a_signal_at_any_moment_is_one_line_and_its_exit_status(
    tmp_path: Path, moment: str, signame: str
) -> None:
    db = tmp_path / "audit.db"
    done = subprocess.run(
        [sys.executable, "-c", _SIGNAL_AT, moment, signame, "audit", str(EXAMPLES / "wire-harbour-strike.md"),
         "--replay", str(CASSETTE), "--out", str(tmp_path / "out"), "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    _one_line_error(
        done, "terminated" if signame == "SIGTERM" else "interrupted", 143 if signame == "SIGTERM" else 130
    )
    if moment == "call:check_article":  # the run had begun: it says it was interrupted
        con = sqlite3.connect(db)
        assert con.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        con.close()


def test_extract_refuses_a_fifo_as_its_domain_table_instead_of_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "domains.csv"
    os.mkfifo(fifo)
    done = run_cli("extract", str(EXAMPLES / "wire-harbour-strike.md"), "--domains", str(fifo), timeout=60)
    _one_line_error(done, "not a regular file")


def test_extract_on_an_unreadable_file_is_one_line_not_a_usage_box(shared_dir: Path) -> None:
    article = shared_dir / "private.html"
    article.write_text("<p>Private.</p>", encoding="utf-8")
    article.chmod(0o000)
    done = _as_another_user("extract", str(article))
    _one_line_error(done, "cannot read (Permission denied)")


def _heavy(folder: Path, links: int) -> Path:
    """An article of ``links`` links: seconds of CPU and hundreds of MB to extract."""
    folder.mkdir(parents=True, exist_ok=True)
    for example in EXAMPLES.iterdir():
        if example.suffix in {".html", ".md", ".txt"}:
            shutil.copy(example, folder / example.name)
    body = "".join(f'<a href="https://e{i % 97}.example/p{i}">l</a> ' for i in range(links))
    heavy = folder / "heavy.html"
    heavy.write_text(f"<html><body><article><p>{body}</p></article></body></html>", encoding="utf-8")
    return heavy


@pytest.mark.parametrize(
    ("links", "limits", "words"),
    [
        (80_000, ("--article-seconds", "0.5", "--article-mb", "0"), "over the 0.5 s CPU budget"),
        (80_000, ("--article-seconds", "0", "--article-mb", "60"), "over the 60 MB memory budget"),
        (2_000, ("--article-links", "1000"), "2,000 links, over the 1,000-link budget"),
    ],
)
def test_an_article_over_budget_is_a_named_failure_and_the_batch_goes_on(
    tmp_path: Path, links: int, limits: tuple[str, ...], words: str
) -> None:
    heavy = _heavy(tmp_path / "corpus", links)
    done = _batch(tmp_path / "corpus", tmp_path / "out", *limits, "--offline")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    con = sqlite3.connect(tmp_path / "out" / "audit.db")
    failures = dict(con.execute("SELECT source, error FROM failures").fetchall())
    articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    con.close()
    assert articles == 4  # every example, despite the heavy one
    assert list(failures) == [str(heavy)] and words in failures[str(heavy)]


def test_a_single_article_over_budget_is_one_line(tmp_path: Path) -> None:
    heavy = _heavy(tmp_path / "corpus", 80_000)
    done = run_cli("extract", str(heavy), "--article-seconds", "0.5")
    _one_line_error(done, "over the 0.5 s CPU budget for one article")
    done = run_cli("audit", str(heavy), "--offline", "--article-mb", "60", "--out", str(tmp_path / "o"),
                   "--db", str(tmp_path / "o" / "a.db"))  # fmt: skip
    _one_line_error(done, "over the 60 MB memory budget for one article")
    done = run_cli("extract", str(heavy))  # the default budget: 50,000 links
    _one_line_error(done, f"error: {heavy}: 80,000 links, over the 50,000-link budget")


def test_a_fifo_in_a_batch_folder_is_a_failure_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(EXAMPLES / "wire-harbour-strike.md", folder)
    os.mkfifo(folder / "pipe.html")
    done = _batch(folder, tmp_path / "out", "--offline")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    con = sqlite3.connect(tmp_path / "out" / "audit.db")
    failures = dict(con.execute("SELECT source, error FROM failures").fetchall())
    con.close()
    assert "not a regular file" in failures[str(folder / "pipe.html")]
