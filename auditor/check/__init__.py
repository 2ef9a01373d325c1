"""The only networked stage: check each distinct URL once and say what became of it.

``check_urls`` (async) and ``check_all`` (sync, for the CLI) take normalised URLs and a
``CheckOptions`` record and return one ``CheckResult`` per distinct check key;
``CheckSession`` keeps one client and its politeness limits open for a whole batch.
"""

from __future__ import annotations

from auditor.check.checker import CheckSession, ResultCache, check_all, check_urls

__all__ = ["CheckSession", "ResultCache", "check_all", "check_urls"]
