"""Author names from bylines as sites write them: labels, glued timestamps, roles, credits.

A byline is seldom just names: "By A. Writer", "Par A. Writer", "A. Writer22 Dec 2016",
"A. Writer • 8h", "A. Writer, MA / Health News", "A. Writer Games Editor", "Richard (R.J.)
Writer", "A. Writer and B. Writer". We keep the names and drop the rest: a label before, a
date or a separator and what follows, a parenthesised nickname, a post-nominal, a role or an
affiliation after a comma. A bare wire credit ("Reuters", "AFP") is a byline too. What is not
shaped like a name (a date, "Follow", a handle with digits, a sentence) yields nothing, so
a caller can try the next source.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from auditor.extract.dates import find_date
from auditor.models import Block, Document, PageCue, Place, Region
from auditor.parse.text import DATELINE

_LABEL = re.compile(
    r"^\s*(?:(?:written|posted|reported|words|text|story|edited|compiled|report)\s+)?"
    r"(?:by|par|por|von|door|av|af|przez|autor(?:a|in)?|author|authors|byline)\s*[:\-]?\s+",
    re.I,
)
_LABEL_ONLY = re.compile(r"^\s*(?:by|author|authors|byline|autor|auteur)\s*:\s*", re.I)
_CUT = re.compile(
    r"\s+(?:[|•·—–]|-{1,2}|/|on|updated|published|posted|last updated|follow)\s+|\s*\|\s*|\s*•\s*|\s*\n\s*",
    re.I,
)
_GLUED_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")
_PARENS = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bog\b|\ben\b)\s*", re.I)
_POSTNOMINAL = re.compile(
    r"(?:,?\s+(?:Ph\.?\s?D|M\.?D|M\.?A|M\.?Sc|M\.?S|MBA|M\.?P\.?H|R\.?N|DDS|CPA|Esq|FRCP|B\.?A|B\.?Sc)\.?)+$"
)
_PARTICLES = frozenset(
    "de da das do dos du des van von der den ter ten la le di del della bin bint al el ibn y e st st. mc".split()
)
_ROLE_WORDS = frozenset(
    """editor editors correspondent reporter reporters writer writers staff columnist contributor
    contributors contributing senior chief associate deputy managing executive producer analyst
    professor director fellow news times post press media agency desk team bureau university
    institute service wire online magazine daily weekly journal herald tribune gazette editorial
    photographer photos photo video games sports health science politics business opinion
    correspondents special guest freelance founder president ceo spokesperson""".split()
)
_NOT_NAMES = frozenset(
    """admin administrator staff editor editors guest anonymous unknown share follow comments comment
    subscribe newsletter home news more menu search login sign movies video videos photos menu
    updated published posted by and the""".split()
)
_WIRES = frozenset(
    "reuters bloomberg xinhua sputnik tass ap afp ani pti ians upi dpa efe ansa kyodo yonhap anadolu "
    "associated press agence france-presse".split()
)
MAX_NAMES = 12


def _caseless(word: str) -> bool:
    """A word in a script without letter case (Chinese, Japanese, Arabic, Devanagari…)."""
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(not c.isupper() and not c.islower() for c in letters)


def looks_like_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 6 or len(name) > 60 or any(c.isdigit() for c in name):
        return False
    if name.casefold() in _NOT_NAMES or "@" in name or "http" in name.casefold():
        return False
    if len(words) == 1:
        w = words[0]
        return w.casefold() in _WIRES or (w.isupper() and 2 <= len(w) <= 6) or _caseless(w)
    capitalised = 0
    for w in words:
        lead = w.lstrip("'’\"(")
        if not lead:
            return False
        if lead[0].isupper() or _caseless(lead):
            capitalised += 1
        elif lead.casefold() not in _PARTICLES:
            return False
    return capitalised >= 1 and not any(w.casefold().strip(".,") in _ROLE_WORDS for w in words)


def _head(text: str) -> str:
    """The byline without its label, and cut before a date, a separator or a glued number."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _LABEL_ONLY.sub("", text)
    text = _LABEL.sub("", text)
    text = _CUT.split(text, maxsplit=1)[0]
    text = _GLUED_DIGIT.split(text, maxsplit=1)[0]
    found = find_date(text)
    if found is not None and found[0] > 0:
        text = text[: found[0]]
    return _PARENS.sub("", text).strip(" ,;:-–—")


def byline_names(text: str) -> list[str]:
    """The names in one byline, in order; empty when it holds none."""
    out: list[str] = []
    for part in _SPLIT.split(_POSTNOMINAL.sub("", _head(text))):
        part = _POSTNOMINAL.sub("", " ".join(part.split())).strip(" .,;:")
        if not part or _POSTNOMINAL.fullmatch(" " + part):
            continue
        if looks_like_name(part):
            out.append(part)
        elif out and any(w.casefold().strip(".,") in _ROLE_WORDS for w in part.split()):
            break  # "A. Writer, Senior Correspondent": the role ends the names
        elif any(w.casefold().strip(".,") in _ROLE_WORDS for w in part.split()):
            # "A. Writer Games Editor": the name, then the role without a comma
            words = part.split()
            cut = next(i for i, w in enumerate(words) if w.casefold().strip(".,") in _ROLE_WORDS)
            if cut and looks_like_name(" ".join(words[:cut])):
                out.append(" ".join(words[:cut]))
            break
        if len(out) >= MAX_NAMES:
            break
    return out


def unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        key = " ".join(name.casefold().split())
        if key and key not in seen:
            seen[key] = " ".join(name.split())
    return tuple(seen.values())


# --------------------------------------------------------------------------- choosing


_META_KEYS = (
    "author",
    "authors",
    "article:author",
    "article:author_name",
    "byl",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
)
_TEXT_BYLINE = re.compile(r"^\s*(?:by|written by|words by|author:?|par|por|von)\s+\S", re.I)
_CREDIT = re.compile(
    r"\b(?:this (?:article|story|post|piece) (?:was|is) (?:written|authored|contributed|posted|submitted) by"
    r"|(?:written|authored|contributed) by)\s+(?P<names>[^.\n]{3,120}?)"
    r"(?=\s+(?:and (?:was |is )?(?:originally|first)|for|at|on|of|from|who)\b|[,.(]|$)",
    re.I,
)
_BIO = re.compile(
    r"^[—–-]?\s*(?P<name>[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|de|van|von|da|del|la|le)){1,4})"
    r"(?:\s*\([^)]{1,40}\))?,?\s+(?:is|was|has been|writes|studies|teaches|covers|lives)\b(?P<rest>.{0,200})"
)
_BIO_WORDS = re.compile(
    r"\b(?:writer|author|journalist|contributor|contributors|editor|columnist|blogger|reporter|"
    r"correspondent|professor|scholar|fellow|analyst|founder|commentator|researcher|student|"
    r"graduate|journalism|host|producer|writes|studies|teaches|covers|blog)\b",
    re.I,
)


def _structured(value: str) -> list[str]:
    """One name as structured data gives it: label, nickname and post-nominals removed."""
    value = _PARENS.sub("", re.sub(r"^(?i:by)\s+", "", " ".join(value.split())))
    parts = re.split(r"\s*(?:;|\s&\s|\band\b|\|)\s*", value)
    names = (_POSTNOMINAL.sub("", p).strip(" .,;:") for p in parts)
    return [n for n in names if n and len(n) <= 80 and not any(c.isdigit() or c in "@/" for c in n)]


def _last_first(value: str) -> str:
    """Library catalogue order ("Jong, Michiel de") to reading order ("Michiel de Jong")."""
    last, _, first = value.partition(",")
    if first.strip() and len(last.split()) == 1 and 1 <= len(first.split()) <= 3:
        return f"{first.strip()} {last.strip()}"
    return value


def _from_meta(meta: tuple[tuple[str, str], ...]) -> list[str]:
    for key in _META_KEYS:
        values = [v for k, v in meta if k == key and v and not v.startswith(("http", "@", "/"))]
        names = [n for v in values for n in byline_names(_last_first(v) if key == "dc.creator" else v)]
        if names:
            return names
    return []


def _from_cues(cues: tuple[PageCue, ...]) -> list[str]:
    order = {Place.MAIN: 0, Place.ARTICLE: 1, Place.PAGE: 2}
    for cue in sorted(cues, key=lambda c: order[c.place]):
        names = [n for part in cue.parts for n in byline_names(part)] or byline_names(cue.text)
        if names:
            return names
    return []


def _from_blocks(blocks: tuple[Block, ...]) -> list[str]:
    """ "By A. Writer" near the top, a credit line, or a bio paragraph at the end."""
    for block in blocks[:60]:
        labelled = block.region in {Region.BYLINE, Region.HEADER, Region.BODY} and _TEXT_BYLINE.match(
            block.text
        )
        if labelled and (names := byline_names(block.text)):
            return names
        if block.region is Region.BODY and len(block.text) > 200:
            break
    head = [b for b in blocks[:8] if b.region is not Region.BODY]
    for i, block in enumerate(head[1:4], start=1):
        # a name alone on its line under the title, over a dateline ("Example Review, 3 May 2024")
        after = head[i + 1].text if i + 1 < len(head) else ""
        if (
            DATELINE.match(after.strip())
            and 2 <= len(block.text.split()) <= 5
            and looks_like_name(block.text.strip())
        ):
            return [block.text.strip()]
    body = [b for b in blocks if b.region in {Region.BODY, Region.FOOTER, Region.BYLINE}]
    for block in [*body[:6], *body[-8:]]:
        if (m := _CREDIT.search(block.text)) and (names := byline_names(m.group("names"))):
            return names
    for block in reversed(body[-4:]):
        m = _BIO.match(block.text.strip())
        if m and _BIO_WORDS.search(m.group(0)[len(m.group("name")) :]) and looks_like_name(m.group("name")):
            return [m.group("name")]
    return []


def choose_authors(doc: Document, structured: list[str]) -> tuple[str, ...]:
    """Structured data, then meta tags, then the byline the page shows, then the text."""
    names = [n for v in structured for n in _structured(v)]
    marked = [v for k, v in doc.meta.meta if k in {"itemprop:author", "rel:author"} and v]
    for found in (
        names,
        _from_meta(doc.meta.meta),
        _from_cues(doc.meta.bylines),
        [n for v in marked[:1] for n in byline_names(v)],
        _from_blocks(doc.blocks),
    ):
        if found:
            return unique(found)[:MAX_NAMES]
    return ()
