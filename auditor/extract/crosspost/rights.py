"""Copyright lines: another outlet's rights on this text, never the site's own or a photo's.

"Copyright © A. Writer, Example Review, 2021" under a reprint names the original. But most
rights lines are the site's own in one of its many names ("© 2017 The Daily Example
Company", a portal's "© 2016 Portal Inc" on a page it syndicates, a state broadcaster's legal
name), or a picture's ("© A. Photographer / Example News", "Credit: Space Agency/Lab"), or a
footer link ("Copyright & Permissions"). So: the site's own names never count; photo credits
and navigation never count; and a rights line in the page footer counts only as weak
evidence unless it also names one of the article's authors, because a footer belongs to the
site unless it says otherwise. Weak evidence alone makes no step.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from auditor.classify.registrable import domain_of
from auditor.extract.crosspost.credits import WIRES
from auditor.extract.crosspost.own import Own, Signal, key
from auditor.models import CrossPostMethod, Document, Metadata, Region

_COPYRIGHT = re.compile(r"(?:copyright\b\s*(?:©|\(c\))?|©)\s*(?P<body>[^\n]{2,160})", re.I)
_RESERVED = re.compile(r"(?i)[.,]?\s*all rights reserved.*$")
_NOT_NAME = re.compile(r"^(?:\d{4}|all rights reserved|the author\(?s?\)?|author|by|owner)$", re.I)
_NAVIGATION = re.compile(
    r"^\s*(?:&|and\b|permissions?|policy|polic(?:y|ies)|notice|info|information|claims?|complaints?)", re.I
)
_PHOTO = re.compile(
    r"^\s*(?:photo|image|picture|credit|illustration|video|graphic|courtesy|getty|shutterstock)s?\b", re.I
)
_YEARS = re.compile(r"^(?:(?:19|20)\d{2}\s*[-–]?\s*)+|(?:\s*[-–]?\s*(?:19|20)\d{2})+$")
_LEGAL_WIRES = {
    "thomson reuters": "Reuters",
    "the associated press": "Associated Press",
    "agence france-presse": "AFP",
}


def _photo_credit(block_text: str, body: str, tag: str) -> bool:
    """ "© A. Photographer / Example News", "Credit: Lab/Agency", a caption."""
    if tag == "figcaption" or _PHOTO.match(block_text) or _PHOTO.match(body):
        return True
    return "/" in body and len(body) < 100 and not re.search(r"https?://", body)


def rights(doc: Document, metadata: Metadata, own: Own) -> Iterator[Signal]:
    authors = {key(a) for a in metadata.authors}
    for block in doc.blocks:
        text = block.text
        if (block.region is Region.BODY and len(text) > 200) or not (
            "©" in text or "opyright" in text or "(c)" in text.lower()
        ):
            continue
        m = _COPYRIGHT.search(text)
        if not m:
            continue
        body = _RESERVED.sub("", m.group("body"))
        if _NAVIGATION.match(body) or _photo_credit(text, body, block.tag):
            continue
        parts = [p.strip(" .") for p in re.split(r",|\s+\|\s+|\s+[-–—]\s+", body)]
        names = [p for p in parts if p and not _NOT_NAME.match(p) and not re.fullmatch(r"[\d\s–-]+", p)]
        names = [_YEARS.sub("", n).strip() for n in names]
        names = [n for n in names if n and len(n.split()) <= 6]
        names_author = any(key(n) in authors for n in names)
        candidates = [n for n in names if key(n) not in authors]
        if len(candidates) > 1 and not authors:
            candidates = candidates[-1:]
        if len(candidates) != 1:
            continue
        name = _LEGAL_WIRES.get(candidates[0].casefold(), candidates[0])
        name = WIRES.get(name.casefold(), name) if name.casefold() in {"reuters", "afp", "ap"} else name
        footer = block.region in {Region.FOOTER, Region.SIDEBAR, Region.NAV}
        address = re.match(r"^(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)*\.[a-z]{2,})(?:/\S*)?$", name, re.I)
        domain = domain_of(f"https://{address.group(1)}") if address else None
        yield Signal(
            name=domain or name,
            domain=domain,
            method=CrossPostMethod.COPYRIGHT,
            evidence=" ".join(text.split())[:300],
            weak=not own.known or (footer and not names_author),
        )
