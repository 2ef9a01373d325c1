"""Plain text, including text exports of web pages that keep Markdown-style links.

A saved page exported as text still carries the site's chrome: title, byline, datelines,
taxonomy ("Region:", "Theme:"), newsletter and social prompts before the article; share
appeals, credit lines, disclaimers and "Articles by:" after it. We find the article as the
run of prose paragraphs between the header and the first footer marker, and label the rest
by what it says, never by one site's wording alone (the cues are generic site furniture).
"""

from __future__ import annotations

import re

from auditor.models import Block, Document, PageMeta, RawArticle, Region
from auditor.parse.inline import scan_inline

_LIST_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_BYLINE = re.compile(r"^(?:by|written by|author:?|words by)\s+\S", re.I)
_META_LINE = re.compile(
    r"^(?:region|theme|themes|topics?|tags?|categor(?:y|ies)|section|filed under|keywords)\s*:", re.I
)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
DATELINE = re.compile(rf"^(?P<outlet>[^\n]{{2,80}}?)[,\s–—-]+(?P<date>{_DATE})\s*$", re.I)
_SHARE = re.compile(
    r"share (?:this|buttons)|click the share|forward this article|crosspost on|follow us|"
    r"(?:on|at) (?:twitter|facebook|instagram|telegram)\b|like us on",
    re.I,
)
# Only appeals to the reader end the article; "she wrote on Twitter" inside it must not.
_SHARE_APPEAL = re.compile(
    r"share (?:this|buttons)|click the share|forward this article|crosspost on|follow us|like us on",
    re.I,
)
_PROMO = re.compile(
    r"newsletter|subscribe|sign up|click here|become a (?:member|patron|subscriber)|donate|"
    r"support (?:our|us|independent)|translate website|can be read in \d+ languages|advertis",
    re.I,
)
_FOOTER = re.compile(
    r"^(?:disclaimer|copyright|©|\(c\)|all rights reserved|the original source|originally published|"
    r"this article (?:was|first)|articles by|featured image|note to readers|for media inquiries|"
    r"comment on|related articles?|read more articles|about the author|republished|reprinted)",
    re.I,
)
_SEPARATOR = re.compile(r"^\s*(?:\*|\*\s*\*\s*\*|-{3,}|_{3,}|={3,}|#{3,}|~{3,})\s*$")
_END_PUNCT = tuple('.!?:;"”’)…»*')


_MD_STRUCTURE = re.compile(r"^(?:#{1,6}\s|```|~~~|\|?\s*:?-{3,}:?\s*\||={3,}\s*$|\[[^\]]+\]:\s*\S)", re.M)


def looks_like_page_export(text: str) -> bool:
    """A web page saved as text (whatever its extension): no Markdown structure of its own,
    and the page's chrome around the prose (taxonomy lines, datelines, bylines, share and
    subscribe prompts, a credit or copyright footer). Two kinds of chrome are needed, so a
    Markdown post that merely ends with "Follow us" is still Markdown."""
    head = text[:200_000]
    if _MD_STRUCTURE.search(head):
        return False
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", head) if p.strip()]
    kinds = set()
    for p in paras[:12]:
        if _META_LINE.match(p):
            kinds.add("taxonomy")
        elif DATELINE.match(p):
            kinds.add("dateline")
        elif _BYLINE.match(p):
            kinds.add("byline")
        elif len(p.split()) < 40 and (_PROMO.search(p) or _SHARE.search(p)):
            kinds.add("prompt")
    for p in paras[-12:]:
        if _FOOTER.match(p):
            kinds.add("footer")
        elif len(p.split()) < 40 and (_PROMO.search(p) or _SHARE_APPEAL.search(p)):
            kinds.add("appeal")
    return len(kinds) >= 2


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; list items each stand alone."""
    out: list[str] = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [ln for ln in chunk.split("\n") if ln.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(ln) for ln in lines) or (len(lines) > 1 and _LIST_ITEM.match(lines[0])):
            out.extend(lines)
        elif len(lines) > 1 and all(_FOOTER.match(ln.strip()) or DATELINE.match(ln.strip()) for ln in lines):
            out.extend(lines)
        else:
            out.append(" ".join(ln.strip() for ln in lines))
    return out


def _join_broken(paragraphs: list[str]) -> list[str]:
    """Re-join a paragraph split mid-sentence (page breaks in exports): next starts lower-case."""
    out: list[str] = []
    for para in paragraphs:
        prev = out[-1] if out else ""
        if (
            prev
            and not prev.rstrip().endswith(_END_PUNCT)
            and para[:1].islower()
            and len(prev.split()) > 8
            and not _LIST_ITEM.match(para)
        ):
            out[-1] = f"{prev.rstrip()} {para.lstrip()}"
        else:
            out.append(para)
    return out


def _word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", text))


def _is_prose(plain: str) -> bool:
    return _word_count(plain) >= 12 and not _PROMO.search(plain) and not _SHARE.search(plain)


def _chrome_region(plain: str, *, before_body: bool) -> Region:
    stripped = plain.strip()
    if _BYLINE.match(stripped) or DATELINE.match(stripped):
        return Region.BYLINE
    if _META_LINE.match(stripped):
        return Region.META
    if _SHARE.search(stripped):
        return Region.SHARE
    return Region.HEADER if before_body else Region.FOOTER


_LABEL_LINE = re.compile(r"^(?:headline|breaking|trending|latest|featured|sponsored|advertisement)\s*:", re.I)


def _is_title(plain: str) -> bool:
    """A paragraph that reads as a headline, not as prose (an ellipsis may end a headline)."""
    text = plain.rstrip()
    if not text or _word_count(text) > 30 or _word_count(text) == 0:
        return False
    return bool(re.search(r"(?:…|\.\.\.)\.?$", text)) or not text.endswith((".", ",", ";"))


def _title_case(plain: str) -> bool:
    """Most longer words capitalised, as English headlines are written ("Storm Leaves Town")."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", plain) if len(w) >= 4]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _is_chrome(plain: str) -> bool:
    """Site prompts, ticker labels and bylines that precede a headline in exports."""
    p = plain.strip()
    return bool(
        _PROMO.search(p) or _SHARE.search(p) or _LABEL_LINE.match(p) or _BYLINE.match(p) or DATELINE.match(p)
    )


def _title_index(plains: list[str], start: int) -> int | None:
    """The headline: the first title-like line before the prose that is not site chrome."""
    for i, p in enumerate(plains[: min(start, 8)]):
        if _is_title(p) and not _is_chrome(p) and not _META_LINE.match(p.strip()):
            return i
    return None


def _ends_body(plains: list[str], i: int) -> bool:
    """A footer marker, a share appeal, or a separator with no more prose after it."""
    p = plains[i].strip()
    if _FOOTER.match(p) or (_SHARE_APPEAL.search(p) and _word_count(p) < 60):
        return True
    if not _SEPARATOR.match(p):
        return False
    following = next((q.strip() for q in plains[i + 1 :] if q.strip()), "")
    return not following or not _is_prose(following) or bool(_FOOTER.match(following))


def _body_span(plains: list[str]) -> tuple[int, int, int | None]:
    """Index of the first and one past the last body paragraph, and of the headline."""
    first = 1 if plains and _is_title(plains[0]) else 0

    def opens_body(i: int, p: str) -> bool:
        # a long headline in title case at the top is not the first paragraph of prose
        return i >= first and _is_prose(p) and not (i < 8 and _is_title(p) and _title_case(p))

    start = next((i for i, p in enumerate(plains) if opens_body(i, p)), len(plains))
    title = _title_index(plains, start)
    end = len(plains)
    for i in range(start + 1, len(plains)):
        if _ends_body(plains, i):
            end = i
            break
    while end > start and (not plains[end - 1].strip() or _SEPARATOR.match(plains[end - 1])):
        end -= 1
    return start, end, title


def parse_text(raw: RawArticle) -> Document:
    """Split a text export into blocks and tell the article from the page chrome around it."""
    paragraphs = _join_broken(_paragraphs(raw.text))
    scanned = [scan_inline(_LIST_ITEM.sub("", p, count=1).strip()) for p in paragraphs]
    plains = [text for text, _ in scanned]
    start, end, title_at = _body_span(plains)
    blocks: list[Block] = []
    for i, (para, (plain, anchors)) in enumerate(zip(paragraphs, scanned, strict=True)):
        if _SEPARATOR.match(plain) and not anchors:
            continue
        if i == title_at:
            region, tag = Region.HEADER, "h1"
        elif start <= i < end:
            region, tag = Region.BODY, "li" if _LIST_ITEM.match(para) else "p"
        else:
            region, tag = _chrome_region(plain, before_body=i < start), "p"
        blocks.append(Block(text=plain, region=region, tag=tag, anchors=anchors))
    title = next((b.text for b in blocks if b.tag == "h1"), None)
    return Document(
        source=raw.source,
        format=raw.format,
        blocks=tuple(blocks),
        meta=PageMeta(title=title),
        url=raw.url,
    )
