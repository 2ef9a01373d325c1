"""The library entry points the package docstring promises are really there."""

from __future__ import annotations

import auditor
from auditor.load import load_bytes
from auditor.models import CheckOptions
from tests.conftest import EXAMPLES


def test_extract_path_from_the_package() -> None:
    article = auditor.extract_path(EXAMPLES / "crosspost-monitor.html")
    assert article.metadata.title == "Arctic Shipping Lanes Become the New Front Line"
    assert article.crossposts[0].original_outlet == "North Sea Chronicle"


def test_extract_raw_and_offline_check_from_the_package() -> None:
    raw = load_bytes(b"# Title\n\nThe ministry [said](https://gov.example.org/a) so on Monday.\n", "a.md")
    audit = auditor.check_article(auditor.extract_raw(raw), CheckOptions(offline=True))
    [check] = audit.checks
    assert check.status.value == "unchecked" and audit.check_for("https://gov.example.org/a") is check
    assert sorted(auditor.__all__) == [
        "AuditorError",
        "__version__",
        "audit",
        "check_article",
        "extract_path",
        "extract_raw",
    ]
