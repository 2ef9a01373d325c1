"""auditor: where an article comes from and what it stands on.

Public API: ``extract_path`` and ``extract_raw`` (no network), ``check_article`` and
``audit`` (the whole pipeline), the records of ``auditor.models`` and ``AuditorError``.
The pipeline is imported on first use, so ``import auditor`` (and ``auditor --help``)
stays cheap.
"""

from auditor.errors import AuditorError

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: this module loads before the signal handlers

if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"
__all__ = ["AuditorError", "__version__", "audit", "check_article", "extract_path", "extract_raw"]

_PIPELINE = frozenset({"audit", "check_article", "extract_path", "extract_raw"})


def __getattr__(name: str) -> "Any":
    if name in _PIPELINE:
        from auditor import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'auditor' has no attribute {name!r}")
