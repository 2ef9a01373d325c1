"""Credit lines that say where the text came from, in the wordings real reposts use.

Declared credits ("The original source of this article is X", "originally published at X",
"The post T appeared first on X.", "T is a post from X", "Courtesy of X", "Provided by X",
"contributed by X" when X is an outlet, "Republished from X", "Source: X", "via X",
"Delivered by X"), wire credits (a lead "CITY (Reuters) —" or "(AP) —", a trailing tag
"… the ministry said. PTI"), and, weakest, a bare address as the last line of a text export.
A story *built on* another outlet's reporting ("told Reuters", "the Daily Beast is
reporting") is an attribution and matches none of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from auditor.classify.registrable import domain_of
from auditor.extract.attribution.names import OutletResolver
from auditor.extract.authors import looks_like_name
from auditor.extract.crosspost.own import Signal
from auditor.extract.dates import parse_date
from auditor.extract.outlet import clean_outlet
from auditor.models import Block, CrossPostMethod, Document, Link, LinkKind, Region

_O = r"(?P<o>(?:[^.;|\n]|\.(?=\w)){2,120})"  # dots inside a domain ("www.example.com") are kept
# (pattern, rank): rank 0 names the original, rank 1 an intermediary that passed it on.
_DECLARED: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p, re.I), rank)
    for p, rank in (
        (rf"\bthe original source of this (?:article|piece|story|post) is\s+{_O}", 0),
        (
            rf"\boriginally (?:produced for and )?(?:published|posted|appeared|ran)\s+(?:at|in|on|by)\s+{_O}",
            0,
        ),
        (rf"\bfirst (?:appeared|published|ran|posted)\s+(?:at|in|on|by)\s+{_O}", 0),
        (rf"\bappeared first (?:at|in|on)\s+{_O}", 0),
        (rf"\bis a post from\s+{_O}", 0),
        (rf"\bthis (?:article|piece|story|report) was produced by\s+{_O}", 0),
        (
            rf"^\s*(?:this (?:article|piece|story|post|content) (?:was|is|has been) )?(?:contributed|provided|supplied) by\s+{_O}",
            0,
        ),
        (rf"\bauthored by [^,\n]{{2,60}}? via\s+{_O}", 0),
        (rf"^\s*read (?:more|the rest|the full (?:article|story|post))\s*(?:@|at|on)\s+{_O}", 0),
        (rf"\bread more\s*@\s*{_O}", 0),
        (rf"^\s*credit\s+to\s+{_O}", 0),
        (rf"^\s*(?:content )?courtesy(?: of)?\s*:?\s+{_O}", 0),
        (
            rf"\b(?:republished|reposted|reprinted|syndicated)\s+(?:here\s+)?(?:from|with (?:the )?(?:kind )?permission (?:of|from))\s+{_O}",
            1,
        ),
        (rf"^\s*source\s*:\s*{_O}", 1),
        (rf"^\s*delivered by\s+{_O}", 1),
        (r"^\s*\(?via\s+(?P<o>[^.;|\n()]{2,80})\)?\s*\.?\s*$", 1),
    )
)
_HINTS = (
    "original",
    "first appeared",
    "appeared first",
    "first published",
    "first ran",
    "first posted",
    "a post from",
    "republished",
    "reposted",
    "reprinted",
    "syndicated",
    "produced by",
    "contributed by",
    "provided by",
    "supplied by",
    "courtesy",
    "source",
    "delivered by",
    "via ",
    "authored by",
    "read more",
    "read the",
    "credit to",
)
_CAPTION = re.compile(
    r"^\s*(?:featured image|image|photo|picture|illustration|caption|video|graphic|chart|map)s?\b[^:]{0,40}[:(]",
    re.I,
)
_TRAIL = re.compile(
    r"\s+(?:on|in)\s+(?=\w+\s+\d|\d)|,\s*(?=\w+\s+\d{1,2},?\s+\d{4}|\d)|\s+and\s+is\s+|\s+under\s+"
    r"|\s+with\s+(?:the\s+)?(?:kind\s+)?permission\b|\s+\(\s*https?://",
    re.I,
)
# "in 2015 by", "in March 2015 in", "on 3 May 2024 at": a date before the real outlet.
_LEADING_DATE = re.compile(
    r"^\s*(?:(?:\d{1,2}\s+)?[A-Z][a-z]+\.?\s+(?:\d{1,2},?\s+)?)?\d{4},?\s+(?:by|in|on|at)\s+(?=\S)"
)
_DIGIT_NAME = re.compile(r"^\d+[a-z]*[A-Z]")  # "9to5Mac", "7News"
_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.I)
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?$", re.I)
_ADDRESS = re.compile(r"^(?:https?://\S+|(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/\S*)?)$", re.I)
# Media and formats, not outlets: "first appeared in print", "originally ran online".
_MEDIA = frozenset(
    {"print", "paper", "newspaper", "magazine", "journal", "online", "web", "internet", "weekly", "daily"}
)
_NOT_NAME = re.compile(r"^(?:\d{4}|all rights reserved|the author\(?s?\)?|author|here|this site)$", re.I)
_ORG_WORD = re.compile(
    r"\b(?:news|times|post|press|media|network|daily|weekly|journal|review|report|institute|foundation|"
    r"center|centre|council|association|agency|group|magazine|blog|tv|radio|world|today|wire|herald|"
    r"tribune|gazette|monitor|observer|examiner|project|org|online|newswire|wires|feeds?|digest|services?|"
    r"studios?|labs?|partners)\b",
    re.I,
)
# Wires, as their leads and tags write them, and the names of the steps they make.
WIRES = {
    "reuters": "Reuters",
    "ap": "Associated Press",
    "associated press": "Associated Press",
    "afp": "AFP",
    "pti": "PTI",
    "ians": "IANS",
    "ani": "ANI",
    "uni": "UNI",
    "bloomberg": "Bloomberg",
    "upi": "UPI",
    "dpa": "dpa",
    "efe": "EFE",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "sputnik": "Sputnik",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "anadolu": "Anadolu Agency",
    "aa": "Anadolu Agency",
    "cnn": "CNN",
}
_WIRE_ALT = "|".join(sorted((re.escape(w) for w in WIRES), key=len, reverse=True))
_WIRE_LEAD = re.compile(
    rf"^\s*(?:[A-Z][\w.'’ -]{{1,40}}?,?\s*)?\((?P<w>{_WIRE_ALT})\)\s*(?:[-—–:]+\s*|(?=[A-Z“\"]))", re.I
)
_WIRE_TAG = re.compile(rf"(?:[.!?”\"’)]\s+|\s[—–-]\s*)\(?(?P<w>{_WIRE_ALT})\)?\s*$", re.I)


def hinted(text: str) -> bool:
    low = text.lower()
    return any(h in low for h in _HINTS)


def _web_url(block: Block, start: int, end: int, by_href: dict[str, Link]) -> str | None:
    """The web link on ``block.text[start:end]``, if any (a placeholder "#" is no URL)."""
    for anchor in block.anchors:
        if anchor.start < end and start < anchor.end:
            link = by_href.get(anchor.href)
            if link is not None and link.kind is LinkKind.WEB:
                return link.url
            if link is None and anchor.href.startswith(("http://", "https://")):
                return anchor.href
    return None


def clean_credit(text: str, resolve: OutletResolver | None) -> str | None:
    """The outlet a credit line names, or None when the words there name no outlet.

    "first appeared in print as a weekly" or "originally published in 2015 by the state
    auditor" name a medium, a year and an office, not a publication: an outlet is a
    capitalised proper name (after "the"), a handle, a domain, or a name the outlet table knows.
    """
    text = _LEADING_DATE.sub("", text, count=1)
    text = _TRAIL.split(text, maxsplit=1)[0]
    text = text.strip().strip("\"'“”‘’()[]").strip(" ,:-–—")
    text = clean_outlet(text) if text else text
    if not text or len(text.split()) > 8 or _NOT_NAME.match(text):
        return None
    head = _DETERMINER.sub("", text)
    first = head.split()[0] if head.split() else ""
    if head.lower() in _MEDIA or not re.search(r"[^\W\d_]", first):
        return None
    if first[0].isupper() or first.startswith("@") or _DOMAIN.match(head) or _DIGIT_NAME.match(first):
        return text
    return text if resolve is not None and resolve(text) is not None else None


def _a_person(name: str, resolve: OutletResolver | None) -> bool:
    """ "contributed by Jane Doe" credits a writer, not an outlet."""
    if resolve is not None and resolve(name) is not None:
        return False
    words = name.split()
    acronym = any(w.isupper() and len(w) >= 2 for w in words)
    return looks_like_name(name) and not acronym and not _ORG_WORD.search(name) and len(words) <= 4


_OF_SITE = re.compile(
    r"^(?P<person>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s+(?:of|at|from)\s+(?P<site>\S.*)$"
)


def _of_site(raw: str, url: str | None) -> tuple[str, str | None]:
    """ "Mac Slavo of www.example.com": the site, not the writer."""
    m = _OF_SITE.match(raw.strip())
    if not m:
        return raw, url
    site = m.group("site").strip()
    if looks_like_name(m.group("person")) or _ADDRESS.match(site.split()[0].rstrip(".,;)")):
        return site, url
    return raw, url


def _handle(raw: str, credit: str) -> str | None:
    """ "Source: examplereport": a site's handle, lower case, as aggregators write it."""
    text = raw.strip().rstrip(".")
    if re.match(r"^\s*source\s*:", credit, re.I) and re.fullmatch(r"[a-z][a-z0-9]{4,30}", text):
        return text
    return None


_ELSEWHERE = frozenset(
    {Region.NAV, Region.SIDEBAR, Region.RELATED, Region.COMMENTS, Region.SHARE, Region.MEDIA, Region.HIDDEN}
)


def declared(doc: Document, links: Sequence[Link], resolve: OutletResolver | None) -> Iterator[Signal]:
    by_href = {link.href: link for link in links}
    texts = [i for i, b in enumerate(doc.blocks) if b.text.strip()]
    tail = set(texts[-5:])
    for i, block in enumerate(doc.blocks):
        if block.region in _ELSEWHERE:
            continue  # a credit in a menu, a sidebar or a related story is not this text's
        if (
            len(block.text) > 600
            or not hinted(block.text)
            or _CAPTION.match(block.text)
            or block.tag == "figcaption"
        ):
            continue
        for pattern, rank in _DECLARED:
            m = pattern.search(block.text)
            if not m or (rank == 1 and block.region is Region.BODY and len(block.text) > 160):
                continue
            if (
                m.group(0).lstrip().lower().startswith("source")
                and block.region is Region.BODY
                and i not in tail
            ):
                continue  # "Source: …" under a table or a chart inside the article credits the data
            raw, url = _of_site(m.group("o"), _web_url(block, m.start("o"), m.end("o"), by_href))
            first = raw.split()[:1]
            address = first[0].rstrip(".,;)") if first else ""
            name: str | None
            if _ADDRESS.match(address):
                url = url or address
                name = domain_of(address if "://" in address else f"https://{address}")
            else:
                name = clean_credit(raw, resolve) or _handle(raw, m.group(0))
                if name and re.search(r"contributed by", m.group(0), re.I) and _a_person(name, resolve):
                    name = None
                if (
                    name
                    and re.search(r"permission", m.group(0), re.I)
                    and _a_person(re.split(r"\s+and\s+", name)[0], resolve)
                ):
                    name = None  # "with permission from A. Writer and a law firm": a rights holder
            if name:
                yield Signal(
                    name=name,
                    method=CrossPostMethod.DECLARED,
                    evidence=" ".join(block.text.split())[:300],
                    url=url if url and "://" in url else None,
                    published=parse_date(block.text),
                    domain=domain_of(url if "://" in url else f"https://{url}") if url else None,
                    rank=rank,
                )
            break


_JOB = re.compile(
    r"\b(?:editor|correspondent|reporter|writer|staff|columnist|contributor|senior|chief|associate|deputy|"
    r"managing|executive|producer|analyst|professor|director|fellow|intern|photographer)s?\b",
    re.I,
)
_SLASH_BYLINE = re.compile(r"^\s*by:?\s+(?P<p>[^/|\n]{3,60}?)\s*[/|]\s*(?P<o>[^/|\n]{2,80}?)\s*$", re.I)
_WRITER_FOR = re.compile(
    r"^(?:guest |staff |contributing )?(?:writer|columnist|contributor|blogger)s? (?:for|to|at)\s+|^for\s+",
    re.I,
)


def byline_outlets(doc: Document, resolve: OutletResolver | None) -> Iterator[Signal]:
    """ "By A. Writer / Example Review" at the top of a copy: the outlet the piece was written for."""
    for block in doc.blocks[:12]:
        m = _SLASH_BYLINE.match(block.text)
        if not m or not looks_like_name(m.group("p").strip(" ,")):
            continue
        name = clean_credit(_WRITER_FOR.sub("", m.group("o").strip()), resolve)
        if name and not _JOB.search(name) and not parse_date(name):
            yield Signal(
                name=name, method=CrossPostMethod.DECLARED, evidence=f"byline: {block.text.strip()[:200]}"
            )
        return


def wire(doc: Document) -> Iterator[Signal]:
    """A wire's lead on the first paragraph or its tag on the last: the copy is the wire's."""
    body = [b for b in doc.blocks if b.region is Region.BODY and b.text.strip()]
    if not body:
        return
    lead = _WIRE_LEAD.match(body[0].text)
    if lead:
        yield Signal(
            name=WIRES[lead.group("w").lower()],
            method=CrossPostMethod.DECLARED,
            evidence=f"wire lead: {body[0].text[: lead.end() + 60].strip()}",
        )
    tag = _WIRE_TAG.search(body[-1].text[-200:])
    if tag and len(body[-1].text.split()) > 3:
        yield Signal(
            name=WIRES[tag.group("w").lower()],
            method=CrossPostMethod.DECLARED,
            evidence=f"wire tag: …{body[-1].text[-80:].strip()}",
        )


def last_line_address(doc: Document) -> Iterator[Signal]:
    """A text export that ends with a bare address ("www.example.com/story"): a weak credit."""
    tail = [b for b in doc.blocks if b.text.strip()][-1:]
    if not tail or doc.format.value != "text":
        return
    text = tail[0].text.strip().rstrip(".")
    if len(text.split()) != 1 or not _ADDRESS.match(text):
        return
    url = text if "://" in text else f"https://{text}"
    yield Signal(
        name=domain_of(url),
        method=CrossPostMethod.DECLARED,
        evidence=f"last line, a bare address (weak evidence): {text[:200]}",
        url=url if "/" in text.split("://")[-1] else None,
        domain=domain_of(url),
        rank=1,
        weak=True,
    )
