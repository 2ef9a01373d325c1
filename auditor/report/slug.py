"""Safe names and safe links for reports built from hostile pages.

A report's file name comes from the article's source (a path or URL anybody can choose), so
it is reduced to ``[a-z0-9-]`` and bounded, with a hash of the whole source appended so two
sources never share a file. A URL is only ever a live ``href`` when it is plainly http(s):
``javascript:``, ``data:``, ``vbscript:``, ``file:`` and anything odd stays visible text.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import PurePath
from urllib.parse import urlsplit

MAX_STEM = 60
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_PLAIN_HTTP = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f\"'<>`\\]+$", re.IGNORECASE)
_NOISE = {"html", "htm", "md", "markdown", "txt", "php", "aspx", "index", "www", "https", "http"}


def slug_for(source: str) -> str:
    """``https://x.org/2021/11/story.html`` -> ``x-org-2021-11-story-3f2a9c1b0e``.

    Only ``[a-z0-9-]``: no dot, slash or NUL can reach the file system. The hash suffix
    means ``index`` and every other name we write can never be produced.
    """
    digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    if not re.match(r"^[a-z][a-z0-9+.-]*://", source, re.I):
        # A file is known by its absolute path; its folder and name are what a reader knows.
        source = "/".join(PurePath(source).parts[-2:])
    ascii_text = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode().lower()
    words = [w for w in _NOT_SLUG.split(ascii_text) if w and w not in _NOISE]
    stem = "-".join(words)[-MAX_STEM:].strip("-")
    return f"{stem}-{digest}" if stem else f"article-{digest}"


def safe_href(url: str | None) -> str | None:
    """``url`` when a browser may follow it (plain http/https with a host), else None."""
    if not url or not _PLAIN_HTTP.match(url):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return url if host else None
