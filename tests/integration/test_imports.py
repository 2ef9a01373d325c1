"""Each command imports what it uses: start-up time and memory are part of every run.

numpy and scipy (pulled in by datasketch, ~55 MB and about a second of CPU) serve only the
batch's near-duplicate pass; Jinja2 only writes reports; httpx only checks links. The
commands run for real in a fresh interpreter, which then lists what it had imported.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import CASSETTE, EXAMPLES, ROOT

# Run the real entry point, then print the top-level modules it imported, whatever the exit.
PROBE = """
import sys
sys.argv = ["auditor", *sys.argv[1:]]
try:
    from auditor.cli import main
    main()
except SystemExit:
    pass
finally:
    print("MODULES", " ".join(sorted({m.split(".")[0] for m in sys.modules})), file=sys.stderr)
"""
HEAVY = {"numpy", "scipy", "datasketch"}


def imported(*args: str) -> set[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=60
    )
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES "))
    return set(line.split()[1:])


def test_help_imports_neither_the_checker_nor_the_heavy_libraries() -> None:
    modules = imported("--help")
    assert "auditor" in modules
    assert not modules & (HEAVY | {"httpx", "jinja2", "lxml", "sqlite_utils"})


@pytest.mark.parametrize("page", ["cc-republished.html", "wire-harbour-strike.md"])
def test_extract_imports_no_checker_no_report_no_numpy(page: str) -> None:
    modules = imported("extract", str(EXAMPLES / page))
    assert "lxml" in modules  # it did parse
    assert not modules & (HEAVY | {"httpx", "jinja2", "sqlite_utils"})


def test_check_imports_no_numpy_no_report_no_store() -> None:
    modules = imported("check", str(EXAMPLES), "--replay", str(CASSETTE), "--json")
    assert "httpx" in modules  # it did check
    assert not modules & (HEAVY | {"jinja2", "sqlite_utils"})
