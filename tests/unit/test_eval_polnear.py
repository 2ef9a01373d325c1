"""The PolNeAR benchmark: it skips cleanly without the shared devset, and its naive baseline
reads the said-verb patterns it claims to (sentences of our own)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.eval_polnear import main
from benchmarks.naive_said import naive_attributions


def _split(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def test_benchmark_skips_without_the_devset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_naive_rule_takes_the_name_before_or_after_the_verb() -> None:
    text = (
        "Harbour deal agreed\n"
        "Mara Lind said the deal would hold.\n"
        "“We are ready,” said Tomas Berg.\n"
        "The pier was closed, according to the Port Authority.\n"
        "Nobody knew what would follow.\n"
        "Mara Lind, the harbour master, told reporters it was over."
    )
    found = {e["source"]: e for e in naive_attributions(text, _split)}
    assert set(found) == {"Mara Lind", "Tomas Berg", "Port Authority"}
    assert len(found["Mara Lind"]["mentions"]) == 2
    assert all(e["kind"] == "person" for e in found.values())


def test_naive_rule_skips_the_headline() -> None:
    assert naive_attributions("Mara Lind said no\nThe rain fell.", _split) == []
