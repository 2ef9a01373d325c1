"""How a heading on a page matches a title: normalised, with or without a site segment.

Shared by the parser (which story of a river page is the one the page is about) and by
metadata extraction (which candidate headline the others agree with).
"""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_SEP = re.compile(r"\s*(?:\|\||[|:»·\-_/]|::|\[)\s*")
TITLE_SEP = re.compile(r"\s+(?:[|–—:·»-]|::)\s+|\s*_(?=\S)|\s+(?=\[[^\]]+\]\s*$)")
WS = re.compile(r"\s+")


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).translate(_QUOTES).casefold()
    return WS.sub(" ", s).strip(" .,;:!?\"'-|")


def site_key(s: str) -> str:
    """Letters and digits only, without "the" or a top-level domain: "The Verge" ~ "theverge.com"."""
    s = re.sub(r"^(?:https?://)?(?:www\.)?", "", norm(s))
    s = re.sub(r"\.[a-z]{2,6}$", "", s)
    s = re.sub(r"[\W_]+", "", s)
    return s[3:] if s.startswith("the") and len(s) > 5 else s


def leads(long: str, short: str) -> bool:
    """``long`` is ``short`` followed by a separator and more ("Headline | Site")."""
    return len(long) > len(short) and long.startswith(short) and bool(_SEP.match(long[len(short) :]))


def agree(a: str, b: str, sites: frozenset[str] = frozenset()) -> bool:
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na == nb or leads(na, nb) or leads(nb, na):
        return True
    # "Site: Headline" – the trailing part agrees when what leads is the site's name
    for long, short in ((na, nb), (nb, na)):
        if len(long) > len(short) and long.endswith(short):
            head = _SEP.sub("", long[: -len(short)].rstrip())
            if head and site_key(head) in sites:
                return True
    return False
