"""What a report says of the run behind it: how links were checked, with which options, when,
and where the files are, named so that the report can be shared.

A report written offline or from a recording says so before any count ("links not checked:
offline"); its footer gives the tool version, the options that differ from the defaults and
the time. Paths are relative to the batch's folder, or the file name alone: an absolute path
says nothing to a colleague and something about the machine it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import PurePath

from auditor.models import Budget, CheckMode, CheckOptions, RunInfo
from auditor.report.slug import safe_href
from auditor.report.standing import readable_date
from auditor.report.views import Verdict

# Option fields as the CLI spells them; only these are worth a reader's attention.
_FLAGS = {
    "offline": "--offline", "replay": "--replay", "record": "--record", "timeout": "--timeout",
    "concurrency": "--concurrency", "per_host": "--per-host", "max_wait": "--max-wait",
    "allow_private": "--allow-private", "allow_link_local": "--allow-link-local",
    "archive": "--no-archive", "recheck": "--recheck", "domains_file": "--domains",
    "force": "--force", "include": "--include", "exclude": "--exclude", "jsonl": "--jsonl",
    "workers": "--workers", "base_url": "--base-url", "max_bytes": "--max-bytes",
    "seconds": "--article-seconds", "memory_mb": "--article-mb", "links": "--article-links",
    "probe": "--no-probe", "quotes": "--no-quotes", "engine": "--engine",
}  # fmt: skip
_FILES = {"replay", "record", "domains_file", "jsonl"}  # shown by file name only
_DEFAULTS = {f.name: str(f.default) for f in (*fields(CheckOptions), *fields(Budget))}
_DEFAULTS |= {"force": "False", "include": "", "exclude": "", "jsonl": "None", "workers": "2"}
_DEFAULTS |= {"base_url": "None", "max_bytes": str(20 * 1024 * 1024), "engine": "local"}


@dataclass(frozen=True, slots=True)
class Footer:
    version: str
    command: str
    options: str
    run_at: str
    mode: str


def display_source(source: str, run: RunInfo | None) -> str:
    """A URL as it is; a file relative to the batch's folder, else by its name alone."""
    if safe_href(source) or "://" in source:
        return source
    path = PurePath(source)
    if run is not None and run.folder:
        try:
            return path.relative_to(run.folder).as_posix()
        except ValueError:
            pass
    return path.name or source


def options_line(run: RunInfo | None) -> str:
    """The run's options that differ from the defaults, as typed: ``--offline --timeout 5.0``."""
    if run is None:
        return ""
    words = []
    for key, value in run.options:
        flag = _FLAGS.get(key)
        if flag is None or value == _DEFAULTS.get(key, value):
            continue
        if value in ("True", "False"):
            words.append(flag)
        elif key in ("include", "exclude"):
            words.extend(f"{flag} {v.strip()}" for v in value.split(",") if v.strip())
        else:
            words.append(f"{flag} {PurePath(value).name if key in _FILES else value}")
    return " ".join(words)


def mode_label(v: Verdict, run: RunInfo | None = None) -> str:
    """The line that comes before any count when links were not checked live."""
    if v.mode is CheckMode.OFFLINE:
        if not v.web:
            return "Links not checked: offline (the article has no web links)."
        if v.not_checked:
            return "Links not checked: offline. No earlier check of these links is known."
        when = f" of {readable_date(v.checked_on[0])}" if len(v.checked_on) == 1 else ""
        if len(v.checked_on) > 1:
            when = f" of {readable_date(v.checked_on[0])} to {readable_date(v.checked_on[-1])}"
        return f"Links not checked: offline. The results shown are the last real checks{when}."
    if v.mode is CheckMode.REPLAY and v.web:
        cassette = dict(run.options).get("replay", "") if run else ""
        named = f" {PurePath(cassette).name}" if cassette else ""
        return (
            f"Links checked from the recording{named} (replay), not the live web: statuses are as recorded."
        )
    return ""


def footer(run: RunInfo | None, version: str) -> Footer:
    if run is None:
        return Footer(version=version, command="", options="", run_at="", mode="")
    return Footer(
        version=run.version or version,
        command=run.command,
        options=options_line(run),
        run_at=_minutes(run.started_at),
        mode={CheckMode.LIVE: "live", CheckMode.OFFLINE: "offline", CheckMode.REPLAY: "replay"}[run.mode],
    )


def _minutes(iso: str) -> str:
    """``2024-12-01T21:53:04+00:00`` -> ``2024-12-01 21:53 UTC``."""
    return f"{iso[:10]} {iso[11:16]} UTC" if len(iso) >= 16 else iso
