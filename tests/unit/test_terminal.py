"""The terminal summary: hostile article text is shown as text, and counts match the report."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
from bs4 import BeautifulSoup
from rich.console import Console

from auditor.batch import BatchStats, Event
from auditor.cli.terminal import (
    BatchProgress,
    Problem,
    clean,
    fail_reasons,
    print_problems,
    print_summary,
    shorten_reason,
)
from auditor.models import Audit, CheckResult, Link, LinkKind, Metadata, Region, Status
from auditor.report.render import render_article, render_index
from auditor.urls import check_key
from tests.fixtures.report.records import make_audit

CONTROLS = "\x1b[2J\x1b]0;OWNED\x07\x1b]8;;https://evil.example\x07click\x1b]8;;\x07\x9b31m\x7f\u202e"
MARKUP = "[bold red]X[/bold red] [link=https://evil.example]click[/link] :smile:"


def terminal(width: int = 200) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, color_system="truecolor", width=width), buffer


def summary(audit: Audit, width: int = 200) -> str:
    console, buffer = terminal(width)
    print_summary(audit, "/tmp/r.html", console)
    return buffer.getvalue()


def with_meta(audit: Audit, **fields: object) -> Audit:
    meta = replace(audit.article.metadata, **fields)  # type: ignore[arg-type]
    return replace(audit, article=replace(audit.article, metadata=meta))


def assert_no_injection(text: str) -> None:
    assert "\x1b]" not in text and "\x07" not in text and "\x1b[2J" not in text and "\x9b" not in text
    assert "\u202e" not in text and "\x7f" not in text
    # what is left of ESC is the styling rich adds itself: SGR sequences only
    assert not re.findall(r"\x1b(?!\[[0-9;]*m)", text)


def test_a_title_with_brackets_prints_as_written() -> None:
    text = summary(with_meta(make_audit(), title="[Opinion] Why [/b] matters"))
    assert "[Opinion] Why [/b] matters" in text


def test_markup_and_emoji_codes_in_article_text_are_not_interpreted() -> None:
    audit = with_meta(make_audit(), title=MARKUP, authors=(MARKUP,), outlet=MARKUP)
    text = summary(audit, width=400)
    # title, byline, outlet and the provenance line ("→ this copy" names the outlet)
    assert text.count("[bold red]X[/bold red] [link=https://evil.example]click[/link] :smile:") == 4
    assert "\x1b]8;" not in text  # no hyperlink escape
    assert "😄" not in text


def test_control_sequences_never_reach_the_terminal() -> None:
    audit = with_meta(make_audit(), title=f"T{CONTROLS}", authors=(f"A{CONTROLS}",), outlet=f"O{CONTROLS}")
    bad = "https://gone.example.net/report.pdf"
    checks = tuple(
        replace(c, url=c.url, reason=f"gone{CONTROLS}") if c.url == bad else c for c in audit.checks
    )
    links = tuple(
        replace(lk, url=lk.url + "\x1b]0;X\x07") if lk.url == bad else lk for lk in audit.article.links
    )
    checks += (CheckResult(url=check_key(bad + "\x1b]0;X\x07"), status=Status.DEAD, reason=CONTROLS),)
    audit = replace(audit, checks=checks, article=replace(audit.article, links=links))
    text = summary(audit)
    assert_no_injection(text)
    assert "[2J]0;OWNED" in text  # shown, defanged, so the reader sees something was there


def test_clean_drops_c0_c1_and_turns_line_breaks_into_spaces() -> None:
    assert clean("a\nb\tc\rd\x00e\x1bf\x85g\x9fh\x7fi") == "a b c def" + "ghi"
    assert clean("plain — text ü") == "plain — text ü"


def verdict_from_report(audit: Audit) -> dict[str, str]:
    soup = BeautifulSoup(render_article(audit), "lxml")
    return {box.span.get_text(): box.b.get_text() for box in soup.select("#verdict .stat")}


@pytest.mark.parametrize("offline", [False, True])
def test_terminal_report_and_index_give_the_same_numbers(offline: bool) -> None:
    audit = make_audit()
    if offline:  # every check unchecked: none may count as checked
        audit = replace(audit, checks=tuple(replace(c, status=Status.UNCHECKED) for c in audit.checks))
    text = summary(audit)
    stats = verdict_from_report(audit)
    checked = stats["of 10 web links checked"]
    assert f"{checked} of 10 web links checked" in text
    assert checked == ("0" if offline else "10")
    for label in ("alive", "moved", "broken", "blocked", "placeholders", "state-media sources"):
        assert f"{label} {stats[label]}" in text, label
    index = BeautifulSoup(render_index([audit], []), "lxml")
    heads = [th.get_text() for th in index.select("#articles-table th")]
    cells = dict(
        zip(heads, (td.get_text(strip=True) for td in index.select("#articles-table td")), strict=True)
    )
    assert cells["Checked"] == checked
    for head, label in [("Alive", "alive"), ("Moved", "moved"), ("Broken", "broken"), ("Blocked", "blocked"),
                        ("Placeh.", "placeholders"), ("State media", "state-media sources")]:  # fmt: skip
        assert cells[head] == stats[label], head


def test_fail_on_counts_as_the_summary_does() -> None:
    found = fail_reasons(make_audit(), ["broken", "placeholder", "state-media"])
    assert found == ["4 broken link(s)", "1 placeholder link(s)", "2 state-media citation(s)"]


def many_problems(n: int, reason: str = "404 Not Found") -> Audit:
    urls = [f"https://dead{i}.example.org/page" for i in range(n)]
    links = tuple(
        Link(url=u, href=u, text="x", region=Region.BODY, kind=LinkKind.WEB, position=i)
        for i, u in enumerate(urls)
    )
    checks = tuple(CheckResult(url=u, status=Status.DEAD, reason=reason) for u in urls)
    article = replace(make_audit().article, links=links, attributions=(), metadata=Metadata(title="t"))
    return Audit(article=article, checks=checks)


def test_problem_table_says_how_many_rows_it_left_out() -> None:
    text = summary(many_problems(45))
    assert "(+5 more: see the report)" in text
    assert "dead39.example.org" in text and "dead40.example.org" not in text
    assert "more: see the report" not in summary(many_problems(40))


def test_long_reasons_end_with_an_ellipsis() -> None:
    text = summary(many_problems(1, reason="word " * 40), width=400)
    line = next(row for row in text.splitlines() if "dead0.example.org" in row)
    assert "…" in line
    assert "word " * 15 in line and "word " * 17 not in line


def test_batch_failures_are_printed_defanged(capsys: pytest.CaptureFixture[str]) -> None:
    detail = f"/data/[bold]x{CONTROLS}.html: cannot decode"
    console, buffer = terminal()
    BatchProgress(console=console)(BatchStats(), Event.FAILED, detail)
    shown = buffer.getvalue()
    assert_no_injection(shown)
    assert "/data/[bold]x" in shown and "cannot decode" in shown
    piped, _ = Console(file=io.StringIO(), force_terminal=False), None
    BatchProgress(console=piped)(BatchStats(), Event.FAILED, detail)
    err = capsys.readouterr().err
    assert err.startswith("failed: /data/[bold]x") and err.count("\n") == 1
    assert_no_injection(err)


def test_a_bare_http_code_still_explains_a_problem_row() -> None:
    audit = many_problems(1, reason="HTTP 404")
    audit = replace(audit, checks=(replace(audit.checks[0], http_status=404),))
    line = next(row for row in summary(audit).splitlines() if "dead0.example.org" in row)
    assert "HTTP 404" in line


def test_a_problem_reason_is_never_cut_inside_a_url_it_names() -> None:
    target = "https://www.arcticobserver-example.com/archive/2019/route-numbers/index.html?page=2"
    loop = f"redirect loop back to {target}"
    assert shorten_reason(loop) == loop  # the cut would fall inside the URL: it stays whole
    home = f"HTTP 200 but deep link redirected to the site's home page ({target})"
    assert shorten_reason(home) == home
    chain = f"moved: {target} then on through four more redirects to the same place and back again"
    assert shorten_reason(chain) == f"moved: {target} …"
    words = "the server said something long " * 5
    assert shorten_reason(words).endswith("…") and len(shorten_reason(words)) == 80


def test_the_problem_table_folds_a_reason_url_instead_of_cutting_it() -> None:
    target = "https://www.arcticobserver-example.com/archive/2019/route-numbers/with/a/long/tail"
    console, buffer = terminal(width=130)
    print_problems(
        [Problem(status="too-many-redirects", url=target + "/", reason=f"redirect loop back to {target}")],
        [],
        console,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", buffer.getvalue())
    cells = [line.split("│")[3].strip() for line in text.splitlines() if line.count("│") == 4]
    assert target in "".join(cells) and "…" not in text
