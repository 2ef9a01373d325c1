"""auditor: where an article comes from and what it stands on.

Public API: ``extract_path`` / ``extract_document`` (no network), ``audit`` (the whole
pipeline), the records of ``auditor.models`` and ``AuditorError``.
"""

from __future__ import annotations

from auditor.errors import AuditorError

__version__ = "0.1.0"
__all__ = ["AuditorError", "__version__"]
