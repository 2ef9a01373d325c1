"""Load an article: read bounded bytes, sniff the format, decode the text.

Saved pages lie about themselves: a ``.txt`` that is HTML, a page whose ``<meta charset>``
says Latin-1 while its bytes are UTF-8, a file that mixes both after a careless edit. We
trust the bytes over the labels: a BOM first, then strict UTF-8 (self-validating, so a
successful decode is strong evidence), then the declared charset, then UTF-8 with each
invalid byte read as Windows-1252, which is what such mixed files almost always contain.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from auditor.errors import InputError
from auditor.models import Format, RawArticle

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_EXTENSIONS = {
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".shtml": Format.HTML,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".mdown": Format.MARKDOWN,
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
}
SUPPORTED_EXTENSIONS = frozenset(_EXTENSIONS)

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROLS = bytes(b for b in range(32) if b < 9 or b > 13)
_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x1f\x8b", b"BZh", b"\x7fELF")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.I)
_HTML_START = re.compile(
    r"\A\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)
_HTML_TAGS = re.compile(r"<(p|div|a\s+href|article|span|h[1-6]|br|table|ul|li)\b", re.I)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:[^\n]*\n){0,60}?---[ \t]*\n", re.S)


def _mixed_handler(err: UnicodeError) -> tuple[str, int]:
    """Decode a byte UTF-8 rejects as Windows-1252 (what mixed files almost always hold)."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.start + 1]
    return bad.decode("cp1252", errors="replace"), err.start + 1


codecs.register_error("auditor-mixed", _mixed_handler)


def _looks_binary(data: bytes) -> bool:
    """Magic numbers, many NUL bytes, or control characters that text does not have.

    A stray NUL (a careless export, a truncated write) does not make a page binary on its
    own: what counts is whether the rest reads as text. Binary formats hold NULs by the
    hundred in their first 8 KiB.
    """
    if data.startswith(_MAGIC):
        return True
    head = data[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    if head.count(0) > len(head) // 100:
        return True
    head = head.replace(b"\x00", b"")
    controls = len(head) - len(head.translate(None, _CONTROLS))  # counted in C, not byte by byte
    return controls > len(head) * 0.05


# The WHATWG Encoding Standard's encodings that Python has: all a browser would ever decode a
# page with. Python knows many more codecs a label can name (``idna``, ``punycode``,
# ``utf-7``, ``hex``, ``rot13``), which decode to noise or raise on page bytes.
_PAGE_CODECS = frozenset(
    "utf-8 cp866 iso8859-2 iso8859-3 iso8859-4 iso8859-5 iso8859-6 iso8859-7 iso8859-8 iso8859-10 "
    "iso8859-13 iso8859-14 iso8859-15 iso8859-16 koi8-r koi8-u mac-roman cp1250 cp1251 cp1252 "
    "cp1253 cp1254 cp1255 cp1256 cp1257 cp1258 gbk gb18030 big5 euc_jp iso2022_jp shift_jis "
    "euc_kr".split()
)


def text_codec(label: str) -> str | None:
    """The codec a charset label names, if a browser would decode a page with it.

    Browsers read Latin-1 and ASCII labels as Windows-1252, and ignore UTF-16/32 labels on
    bytes without a BOM (the label itself was ASCII); so do we.
    """
    name = label.strip().strip("\"'").lower()
    if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}:
        return "cp1252"
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):
        return None
    return codec if codec in _PAGE_CODECS else None


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return text_codec(match.group(1).decode("ascii", "replace")) if match else None


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding used)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(data)
    if declared and declared not in {"utf-8", "utf_8"}:
        try:
            return data.decode(declared), declared
        except (UnicodeError, LookupError):
            pass
    return data.decode("utf-8", errors="auditor-mixed"), "utf-8+cp1252"


def sniff_format(name: str, text: str) -> Format:
    """Extension first; the content overrides it when it clearly says otherwise."""
    by_ext = _EXTENSIONS.get(Path(name).suffix.lower())
    head = text[:4096]
    if _HTML_START.match(head):
        return Format.HTML
    if by_ext is Format.HTML and not _HTML_TAGS.search(head):
        by_ext = None  # an .html file with no markup at all is mislabelled
    if by_ext is Format.MARKDOWN and not _FRONT_MATTER.match(head):
        from auditor.parse.text import looks_like_page_export

        if looks_like_page_export(text):
            return Format.TEXT  # a web page saved as .md: its chrome needs the text reader
    if by_ext is not None:
        return by_ext
    if len(_HTML_TAGS.findall(head)) >= 3:
        return Format.HTML
    # Text exports keep ``[text](url)`` links too, and the text parser reads those while
    # still telling chrome from article; only front matter or ATX headings say "Markdown".
    if _FRONT_MATTER.match(head) or len(_MD_HEADING.findall(head)) >= 2 or head.lstrip().startswith("# "):
        return Format.MARKDOWN
    return Format.TEXT


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_bytes(data: bytes, source: str, *, url: str | None = None, fmt: Format | None = None) -> RawArticle:
    """Decode bytes already read (from a file or a fetch) into a ``RawArticle``."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty")
    if _looks_binary(data):
        raise InputError(f"{source}: this is a binary file, not an HTML, Markdown or text article")
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return RawArticle(
        source=source,
        format=fmt or sniff_format(source, text),
        text=text,
        encoding=encoding,
        size=len(data),
        url=url,
    )


class NotRegular(OSError):
    """A FIFO, socket or device where a file was expected."""


def open_regular(path: str | Path) -> BinaryIO:
    """Open a regular file for reading; anything else raises ``NotRegular`` without blocking.

    Opening a FIFO for reading blocks until a writer comes, so it is opened non-blocking and
    refused by its type; checking the type first would leave a moment to swap the file.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular(errno.EINVAL, "not a regular file", str(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _missing(p: Path) -> str:
    """Why a path that does not exist does not: a loop of links is not a missing file."""
    try:
        os.stat(p)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links"
    return "a symbolic link to nothing" if p.is_symlink() else "no such file"


def _read_capped(fh: BinaryIO, limit: int, chunk: int = 1 << 20) -> bytes:
    """At most ``limit`` bytes, read a chunk at a time: ``read(limit)`` would allocate the
    whole cap (20 MB) for every file, however small."""
    parts: list[bytes] = []
    got = 0
    while got < limit:
        part = fh.read(min(chunk, limit - got))
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


def load_path(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> RawArticle:
    """Read one article file; every way it can fail is an ``InputError`` naming the file."""
    p = Path(path)
    try:
        if not p.exists():
            raise InputError(f"{p}: {_missing(p)}")
        if p.is_dir():
            raise InputError(f"{p}: is a directory (use `auditor batch` for folders)")
        if not p.is_file():
            raise InputError(f"{p}: not a regular file")
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"{p}: {size:,} bytes is over the {max_bytes:,}-byte cap (raise it with --max-bytes)"
            )
        with open_regular(p) as fh:
            data = _read_capped(fh, max_bytes + 1)
    except NotRegular as exc:
        raise InputError(f"{p}: not a regular file") from exc
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{p}: over the {max_bytes:,}-byte cap")
    # The article's identity is its absolute path, however it was typed: the same file
    # audited from two working directories is one article, not two.
    return load_bytes(data, os.path.abspath(p))
