"""Reports on any screen, measured in headless Chromium: no horizontal scrolling at 360-500 px,
no controls that do nothing without JavaScript, dark mode, the verdict first, offline labels.

The report is opened unchanged, CSP and all, in an iframe of the width under test inside a
harness page whose own script measures it (``--allow-file-access-from-files`` lets the
harness read the frame). A sandboxed frame without ``allow-scripts`` is the report with
JavaScript off.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditor.models import CheckMode, RunInfo
from auditor.report.render import render_index, write_report
from tests.fixtures.report.records import make_audit, plain_audit, xss_audit
from tests.integration.test_report_browser import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (apt-get install chromium)"),
]

_HARNESS = """<!doctype html><html><body style="margin:0">
<iframe id="f" src="{page}" width="{width}" height="900" style="border:0"{sandbox}></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var d = this.contentDocument, e = d.documentElement, w = d.defaultView, wide = [];
  d.querySelectorAll("body *").forEach(function (el) {{  // boxes past the edge, and text past its box
    if (el.closest("svg") && el.tagName.toLowerCase() !== "svg") return;  // drawn in the svg's own box
    var r = el.getBoundingClientRect(), spills = el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
    var inner = spills && Array.prototype.some.call(el.children, function (c) {{ return c.scrollWidth > c.clientWidth + 1; }});
    if ((r.width > 0 && r.right > e.clientWidth + 0.5) || (spills && !inner)) {{
      wide.push(el.tagName.toLowerCase() + "." + el.className + " right=" + Math.round(r.right));
    }}
  }});
  var shown = function (sel) {{ var el = d.querySelector(sel); return el ? w.getComputedStyle(el).display : null; }};
  document.body.setAttribute("data-result", JSON.stringify({{
    scrollWidth: e.scrollWidth, clientWidth: e.clientWidth, wide: wide.slice(0, 10),
    filters: shown("form.filters"), mode: shown("#verdict .mode"),
    background: w.getComputedStyle(d.body).backgroundColor,
    first: (d.querySelector("#verdict") || {{firstElementChild: null}}).firstElementChild ?
      d.querySelector("#verdict").firstElementChild.className : null,
    hiddenRows: d.querySelectorAll("tbody tr[hidden]").length,
    tableHead: shown("table.stack thead")
  }}));
}});
</script></body></html>"""


def measure(page: Path, width: int, *, scripts: bool = True, dark: bool = False) -> dict[str, Any]:
    assert CHROMIUM is not None
    sandbox = "" if scripts else ' sandbox="allow-same-origin"'
    harness = page.parent / f"harness-{width}-{scripts}.html"
    harness.write_text(_HARNESS.format(page=page.name, width=width, sandbox=sandbox), encoding="utf-8")
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", f"--user-data-dir={page.parent / 'profile'}",
        "--allow-file-access-from-files", "--window-size=520,1000", "--virtual-time-budget=3000",
        f"--blink-settings=preferredColorScheme={0 if dark else 1}", "--dump-dom", harness.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    from bs4 import BeautifulSoup

    body = BeautifulSoup(done.stdout, "lxml").body
    assert body is not None and body.has_attr("data-result"), done.stderr[-2000:]
    return json.loads(str(body["data-result"]))


def _long_audit() -> object:
    """Unbroken strings a hostile page can give: a 300-character URL, a 90-letter word."""
    audit = make_audit()
    link = audit.article.links[2]
    long_url = "https://www.wire.example/" + "a" * 300
    links = (
        *audit.article.links[:2],
        replace(link, url=long_url, href=long_url, text="x" * 90),
        *audit.article.links[3:],
    )
    meta = replace(audit.article.metadata, title="Supercalifragilistic" * 5, outlet="Outlet" * 15)
    return replace(audit, article=replace(audit.article, links=links, metadata=meta))


def _pages(tmp: Path) -> dict[str, Path]:
    index = tmp / "index.html"
    index.write_text(
        render_index([make_audit(), _long_audit(), plain_audit("b.txt", "Beta", dead=True)], []),  # type: ignore[list-item]
        encoding="utf-8",
    )
    return {
        "report": write_report(make_audit(), tmp),
        "long": write_report(_long_audit(), tmp / "long"),  # type: ignore[arg-type]
        "hostile": write_report(xss_audit(), tmp / "xss"),
        "index": index,
    }


@pytest.mark.parametrize("width", [360, 420, 500, 800, 1100, 1400])  # phones, a tablet, laptops
def test_no_horizontal_scrolling_on_narrow_screens(tmp_path: Path, width: int) -> None:
    for name, page in _pages(tmp_path).items():
        found = measure(page, width)
        assert found["clientWidth"] <= width
        assert found["scrollWidth"] <= found["clientWidth"], (name, found["wide"])
        assert found["wide"] == [], (name, found["wide"])


def test_a_wide_screen_keeps_the_table_and_the_row_of_chain_boxes(tmp_path: Path) -> None:
    page = write_report(make_audit(), tmp_path)
    found = measure(page, 1400)
    assert found["scrollWidth"] <= 1400 and found["wide"] == []
    assert found["tableHead"] == "table-header-group"  # columns, not stacked rows


def test_without_javascript_no_control_shows_that_would_do_nothing(tmp_path: Path) -> None:
    page = write_report(make_audit(), tmp_path)
    off = measure(page, 500, scripts=False)
    assert off["filters"] == "none"  # the filters need the script: hidden, not dead
    assert off["hiddenRows"] == 0  # every link is there to read
    on = measure(page, 500)
    assert on["filters"] not in (None, "none")


def test_dark_mode_is_kept(tmp_path: Path) -> None:
    page = write_report(make_audit(), tmp_path)
    assert measure(page, 500, dark=True)["background"] == "rgb(18, 20, 23)"
    assert measure(page, 500)["background"] == "rgb(247, 247, 245)"


def test_the_verdict_sentence_comes_first(tmp_path: Path) -> None:
    found = measure(write_report(make_audit(), tmp_path), 500)
    assert found["first"] == "sentence"


def test_an_offline_report_shows_its_label_on_a_phone(tmp_path: Path) -> None:
    audit = replace(
        make_audit(), checks=(), run=RunInfo(mode=CheckMode.OFFLINE, started_at="2099-01-02T00:00:00")
    )
    found = measure(write_report(audit, tmp_path), 360)
    assert found["mode"] not in (None, "none")
    assert found["scrollWidth"] <= found["clientWidth"]
