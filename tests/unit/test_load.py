"""Loader: every unreadable input is one InputError naming the file; labels never beat bytes."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from auditor.errors import InputError
from auditor.load import NotRegular, load_bytes, load_path, open_regular
from auditor.models import Format

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda d: d / "missing.html", "no such file"),
        (lambda d: d, "is a directory"),
    ],
)
def test_missing_and_directory_name_the_path(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    target = make(tmp_path)
    with pytest.raises(InputError, match=reason) as err:
        load_path(target)
    assert str(target) in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.html", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "empty"),
        ("scan.html", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary"),
        ("photo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("blob.txt", bytes(range(256)) * 4, "binary"),
    ],
)
def test_empty_and_binary_files_are_input_errors(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError, match=reason) as err:
        load_path(path)
    assert name in str(err.value)


def test_size_cap_is_configurable_and_named(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    with pytest.raises(InputError, match="cap") as err:
        load_path(path, max_bytes=1000)
    assert "big.html" in str(err.value)
    assert load_path(path, max_bytes=10_000).size == 5007


def test_a_small_file_never_allocates_the_cap(tmp_path: Path) -> None:
    """Reading asked for cap + 1 bytes at once: 20 MB of memory for every 3 KB article."""
    path = tmp_path / "small.html"
    path.write_bytes(b"<p>" + b"word " * 600 + b"</p>")
    tracemalloc.start()
    try:
        assert load_path(path, max_bytes=200 * 1024 * 1024).size == 3007
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_a_file_over_the_cap_read_in_chunks_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_bytes(b"# Title\n\n" + b"text " * 700_000)  # 3.5 MB: several 1 MB chunks
    assert load_path(path, max_bytes=4 * 1024 * 1024).size == path.stat().st_size
    with pytest.raises(InputError, match="cap"):
        load_path(path, max_bytes=3 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("saved.txt", "<!DOCTYPE html><html><body><p>Hi</p></body></html>", Format.HTML),
        ("page", "<html><head><title>x</title></head><body><p>a</p></body></html>", Format.HTML),
        ("note", "---\ntitle: A post\n---\n\nSome *text* with a [link](https://a.org).\n", Format.MARKDOWN),
        ("note", "# Title\n\nBody with [a link](https://a.org).\n\n## Part two\n", Format.MARKDOWN),
        ("export", "Title\n\nBy [Someone](#)\n\nProse with [a link](#) in it.\n", Format.TEXT),
        ("post.md", "Just words.\n", Format.MARKDOWN),
        ("article.html", "No markup at all here, only a sentence.", Format.TEXT),
        ("story.htm", "<div><p>one</p><p>two</p></div>", Format.HTML),
    ],
)
def test_format_from_extension_then_content(name: str, text: str, expected: Format) -> None:
    assert load_bytes(text.encode(), name).format is expected


def test_explicit_format_wins() -> None:
    assert load_bytes(b"<p>x</p>", "a.html", fmt=Format.TEXT).format is Format.TEXT


def test_meta_says_latin1_but_bytes_are_utf8() -> None:
    raw = load_path(PAGES / "charset_declared_latin1_is_utf8.html")
    assert "Renée Faßbender" in raw.text and "“terrace tax”" in raw.text and "€2,000" in raw.text
    assert raw.encoding == "utf-8"


def test_meta_says_utf8_but_bytes_are_windows_1252() -> None:
    raw = load_path(PAGES / "charset_declared_utf8_is_cp1252.html")
    assert "Renée Faßbender" in raw.text and "“terrace tax”" in raw.text and "€2,000" in raw.text


def test_mixed_utf8_and_cp1252_file_reads_both_halves() -> None:
    raw = load_path(PAGES / "charset_mixed.html")
    assert "Café owners protest" in raw.text  # UTF-8 half
    assert "Renée Faßbender" in raw.text and "€2,000" in raw.text  # cp1252 half
    assert "\ufffd" not in raw.text


def test_declared_latin1_on_latin1_bytes() -> None:
    data = '<meta charset="iso-8859-1"><p>Señor Müller</p>'.encode("latin-1")
    raw = load_bytes(data, "a.html")
    assert "Señor Müller" in raw.text


@pytest.mark.parametrize(
    "charset", ["hex", "rot13", "utf-16", "x-no-such-thing", "base64", "idna", "punycode", "utf-7"]
)
def test_hostile_meta_charset_never_raises(charset: str) -> None:
    data = f'<meta charset="{charset}"><p>caf\xe9 au lait</p>'.encode("latin-1")
    assert "café au lait" in load_bytes(data, "a.html").text


@pytest.mark.parametrize(
    ("bom", "codec"), [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]
)
def test_bom_decides(bom: bytes, codec: str) -> None:
    raw = load_bytes(bom + "<p>Zoë’s café</p>".encode(codec), "a.html")
    assert raw.text.startswith("<p>Zoë’s café</p>")


def test_line_endings_normalised() -> None:
    assert load_bytes(b"a\r\nb\rc", "a.txt").text == "a\nb\nc"


def test_a_stray_nul_byte_does_not_make_a_page_binary() -> None:
    page = b"<html><body><p>Harbour strike ends.\x00</p>" + b"<p>More text.</p>" * 200 + b"</body></html>"
    raw = load_bytes(page, "a.html")
    assert "Harbour strike ends." in raw.text and "\x00" not in raw.text


def test_many_nul_bytes_are_still_binary() -> None:
    with pytest.raises(InputError, match="binary"):
        load_bytes(b"SQLite format 3\x00" + b"\x00\x10\x00\x01" * 2000, "a.html")


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "article.html"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        load_path(fifo)
    with pytest.raises(NotRegular):
        open_regular(fifo)  # what load_path opens with: a FIFO swapped in late is refused too


@pytest.mark.parametrize(
    ("kind", "words"), [("loop", "loop of symbolic links"), ("dangling", "link to nothing")]
)
def test_broken_symbolic_links_say_what_they_are(tmp_path: Path, kind: str, words: str) -> None:
    link = tmp_path / "article.html"
    if kind == "loop":
        (tmp_path / "a").symlink_to(tmp_path / "b")
        (tmp_path / "b").symlink_to(tmp_path / "a")
        link.symlink_to(tmp_path / "a")
    else:
        link.symlink_to(tmp_path / "gone.html")
    with pytest.raises(InputError, match=words):
        load_path(link)
