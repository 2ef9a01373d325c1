"""Conventions lychee and typer users rely on: help, short flags, version, completion, errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from auditor import __version__
from tests.conftest import ROOT, run_cli

COMMANDS = ["extract", "audit", "check", "batch", "report", "export"]
# typer's Python type labels: <bool>, <str>, <int range>, <list[str]>, <path>...
PYTHON_TYPE = re.compile(r"<(bool|str|int|float|path|list\[[^\]]*\])( range)?>|\{[a-z_]+\}")


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_help_names_values_as_a_shell_user_reads_them(command: str) -> None:
    args = [command, "-h"] if command else ["-h"]
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert "Usage: auditor" in result.stdout
    assert not PYTHON_TYPE.search(result.stdout), PYTHON_TYPE.search(result.stdout)
    assert result.stdout == run_cli(*args[:-1], "--help").stdout  # -h is --help


def test_every_command_is_listed_with_a_line_of_help() -> None:
    from auditor.cli import app

    names = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)
    assert names == sorted(COMMANDS)  # a new command joins the help tests above
    listed = run_cli("--help").stdout
    for name in names:
        line = next(ln for ln in listed.splitlines() if re.match(rf"\W*{name}\s", ln))
        assert len(line.split(name, 1)[1].strip(" │")) > 20, line  # says what it does


def test_arguments_are_capitals_in_the_usage_line() -> None:
    assert "Usage: auditor audit [OPTIONS] SOURCE" in run_cli("audit", "-h").stdout
    assert "Usage: auditor check [OPTIONS] SOURCES..." in run_cli("check", "-h").stdout
    timeout = next(line for line in run_cli("audit", "-h").stdout.splitlines() if "--timeout" in line)
    assert "SECONDS" in timeout


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = run_cli(flag)
    assert result.returncode == 0 and result.stdout.strip() == f"auditor {__version__}"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["audit"], "audit: missing argument 'SOURCE'; see 'auditor audit --help'"),
        (["batch", "x", "--concurrency", "many"], "batch: invalid value for '--concurrency'"),
        (["audit", "x.html", "--fail-on", "typos"], "unknown --fail-on value 'typos'"),
        (["audti"], "no such command 'audti'"),
        (["--bogus"], "no such option: --bogus"),
    ],
)
def test_usage_errors_are_one_line_with_exit_2(args: list[str], said: str) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("auditor: error: ") and said in lines[0]
    assert not set("╭╰│─") & set(result.stderr)  # no rich box


def test_no_arguments_prints_help_and_no_error() -> None:
    result = run_cli()
    assert "Usage: auditor" in result.stdout and result.stderr == ""


def _complete(words: str) -> list[str]:
    env = {**os.environ, "_AUDITOR_COMPLETE": "complete_bash", "COMP_WORDS": words}
    env["COMP_CWORD"] = str(len(words.split()) - 1)
    done = subprocess.run(
        [sys.executable, "-m", "auditor"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_shell_completion_completes_commands_and_options() -> None:
    assert _complete("auditor au") == ["audit"]
    assert "--offline" in _complete("auditor audit --off")
    # Typer guesses the shell from the parent process: under `sh -c "make test"` it found
    # "sh" and refused. Without the guess, `--show-completion bash` names the shell itself.
    env = {**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "--show-completion", "bash"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "_auditor_completion" in done.stdout, done.stderr
