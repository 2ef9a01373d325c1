"""Closed word lists that decide what a noun phrase denotes; extend them in place.

Written as prose strings (one entry per whitespace-separated word) so that a reviewer can
read and extend them; multi-word entries sit in explicit sets beside them.
"""

from __future__ import annotations

import re
from importlib import resources

_BYTE_SPACES = bytes.maketrans(b".,;:!?\"'()[]{}/?*", b" " * 17)


def ascii_words(text: str) -> set[bytes]:
    """The words of ``text`` as a set, fast: ASCII bytes, punctuation and non-ASCII as breaks.

    A prefilter only (which cue forms or titles occur at all): ``bytes.translate`` and
    ``split`` run at C speed where a regex or ``str.translate`` over a whole article costs
    a millisecond on a slow machine.
    """
    return set(text.encode("ascii", "replace").translate(_BYTE_SPACES).split())


def word_set(text: str) -> frozenset[str]:
    """A closed word list written as prose, one entry per whitespace-separated word."""
    return frozenset(text.split())


TITLES = word_set(
    """president vice-president prime minister premier chancellor secretary professor prof prof.
    dr dr. doctor admiral adm adm. general gen gen. ambassador senator sen sen. representative
    rep rep. governor gov gov. mayor king queen prince princess pope chairman chairwoman chair
    director spokesman spokeswoman spokesperson colonel col col. lieutenant lt lt. captain capt
    commander judge justice mr mr. mrs mrs. ms ms. miss mx mx. sir dame lord lady envoy commissioner
    councillor rabbi father sheikh imam marshal sergeant inspector detective ceo chief deputy
    minister foreign defence defense economy finance interior justice state commodore brigadier
    major corporal private admiral vice rear archbishop bishop cardinal senator-elect attorney
    solicitor auditor-general secretary-general director-general president-elect rev rev.
    reverend pastor del del. delegate congressman congresswoman assemblyman assemblywoman
    councilman councilwoman sens sens. reps reps."""
)

# Courtesy titles: they name a person and a gender, and say nothing a role should ("Mr. Lund").
HONORIFICS = frozenset({"mr", "mrs", "ms", "mx", "miss"})

ORG_HEADS = word_set(
    """ministry department command institute institution council office agency commission
    committee bank fund organisation organization foundation center centre university
    corporation company group party court parliament senate congress pentagon kremlin
    embassy government administration army navy police military authority authorities
    bureau service services union alliance association federation board secretariat cabinet
    presidency mission consulate coalition trust society laboratory academy school
    hospital regulator watchdog firm inc ltd plc llc officials nato un eu imf who wto
    opec asean iaea icc idf fbi cia nsa kgb fsb gru sbu mod mfa duma knesset bundestag
    commons assembly tribunal network think-tank programme program initiative forum observatory
    panel consortium coalition cooperative ombudsman inspectorate directorate regiment brigade
    division command headquarters campaign"""
)
ORG_MULTI = ("white house", "downing street", "foreign office", "state department", "the hill")
ORG_LOWER_OK = word_set(
    """of the for and on state foreign defence defense interior justice finance health trade
    affairs security national federal central senior top military intelligence armed public
    press white house economic economy energy home international strategic studies research"""
)

DOC_HEADS = word_set(
    """release report statement communique communiqué study survey memo memorandum letter
    document readout transcript paper analysis assessment resolution declaration bulletin
    filing indictment complaint lawsuit ruling decree notice poll research findings review
    audit dossier brief cable manifesto faq guidance methodology website story column article
    piece editorial op-ed ad commercial spot video email tweet post essay book memoir"""
)

PLACES = word_set(
    """russia china us u.s. usa america uk u.k. britain ukraine taiwan beijing moscow washington
    kyiv kiev taipei london paris berlin tokyo brussels europe asia africa west israel gaza
    iran tehran india delhi pakistan islamabad japan korea seoul pyongyang syria damascus
    turkey ankara germany france italy spain poland warsaw canada ottawa mexico brazil
    australia canberra riyadh qatar doha egypt cairo jerusalem minsk belarus crimea donbas
    geneva vienna rome madrid indo-pacific pacific venezuela caracas cuba havana lebanon
    beirut iraq baghdad afghanistan kabul yemen libya sudan ethiopia nigeria kenya argentina
    chile colombia indonesia vietnam hanoi philippines manila thailand bangkok singapore
    malaysia kazakhstan georgia armenia azerbaijan moldova serbia hungary budapest greece
    athens sweden finland norway denmark netherlands belgium switzerland austria portugal
    ireland scotland wales"""
) | frozenset(
    {
        "new delhi",
        "north korea",
        "south korea",
        "united states",
        "united kingdom",
        "saudi arabia",
        "tel aviv",
        "black sea",
        "hong kong",
        "south africa",
        "west",
        "east china sea",
        "sea of japan",
    }
)

# Outlets we can name without the domain table (kind only; domains come from the resolver).
OUTLETS = word_set(
    """tass rt reuters ap afp xinhua bloomberg bbc cnn sputnik cgtn interfax kyodo yonhap pti
    anadolu haaretz politico axios npr nbc cbs abc msnbc newsweek x twitter facebook
    telegram weibo youtube instagram tiktok linkedin substack"""
) | frozenset(
    {
        "associated press",
        "agence france-presse",
        "global times",
        "new york times",
        "the new york times",
        "washington post",
        "the washington post",
        "the guardian",
        "guardian",
        "financial times",
        "wall street journal",
        "the wall street journal",
        "al jazeera",
        "fox news",
        "der spiegel",
        "le monde",
        "ria novosti",
        "the times",
        "the telegraph",
        "the economist",
        "foreign policy",
        "foreign affairs",
        "truth social",
        "the atlantic",
        "the hill",
        "people's daily",
        "south china morning post",
    }
)
PLATFORMS = frozenset(
    {
        "x",
        "twitter",
        "facebook",
        "telegram",
        "weibo",
        "youtube",
        "instagram",
        "tiktok",
        "linkedin",
        "truth social",
        "substack",
    }
)

ROLE_NOUNS = word_set(
    """ambassador professor president minister admiral general senator spokesman spokeswoman
    spokesperson secretary envoy chancellor premier governor mayor director chairman analyst
    expert official economist scholar commander diplomat researcher nominee candidate
    congressman congresswoman billionaire businessman businesswoman mogul tycoon host anchor
    lawmaker chairwoman speaker justice judge prosecutor attorney lawyer leader front-runner
    frontrunner contender challenger incumbent actor actress singer comedian author activist
    pastor neurosurgeon surgeon doctor commissioner executive founder owner developer investor
    chief representative delegate sheriff magnate star president-elect"""
)
# Titles as abbreviated before names, for "the senator" to find "Sen. Ada Holm".
ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "senator": ("sen", "senator"),
    "governor": ("gov", "governor"),
    "representative": ("rep", "representative", "congressman", "congresswoman"),
    "congressman": ("rep", "congressman", "representative"),
    "congresswoman": ("rep", "congresswoman", "representative"),
    "president": ("president", "pres"),
    "secretary": ("secretary", "sec"),
    "general": ("gen", "general"),
    "professor": ("prof", "professor"),
    "doctor": ("dr", "doctor"),
    "reverend": ("rev", "reverend"),
    "front-runner": ("front-runner", "frontrunner"),
}
# Role nouns that make a role of the capitalised organisation before them, with no title word:
# "FNV negotiator Anouk de Graaf", "Rabobank economist Jan Smit".
PREMODIFIER_ROLES = word_set(
    """negotiator spokesperson spokesman spokeswoman chairman chairwoman chair director
    economist analyst lawyer attorney adviser advisor official leader secretary minister
    commander envoy correspondent editor researcher strategist executive president ceo
    founder head manager organiser organizer scientist"""
)
# An unnamed speaker for an organisation: "a spokesperson said" speaks for the last one cited.
SPOKES_NOUNS = frozenset({"spokesperson", "spokesman", "spokeswoman"})
PRONOUNS = frozenset({"he", "she"})
# Subjects that are never a cited source: the author ("I", "we") or an unresolvable "they".
NON_SUBJECTS = frozenset(
    {
        "i",
        "we",
        "they",
        "it",
        "you",
        "one",
        "this",
        "that",
        "there",
        "which",
        "who",
        "everyone",
        "nobody",
        "no one",
        "someone",
        "people",
        *(
            f"{p}{a}{c}"
            for p in ("i", "we", "you", "they")
            for a in "'’"
            for c in ("ve", "m", "d", "ll", "re")
        ),
    }
)
# Words that open an adverbial before the subject ("Later on Monday the ministry said").
INTRO_WORDS = frozenset(
    {
        "later",
        "earlier",
        "meanwhile",
        "however",
        "also",
        "then",
        "yesterday",
        "today",
        "tonight",
        "last",
        "next",
        "on",
        "in",
        "at",
        "after",
        "before",
        "during",
        "since",
        "until",
        "over",
        "separately",
        "elsewhere",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }
)
DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "this", "that", "these", "those"})

NAME_TOKEN = re.compile(r"^(?:[A-Z][\w’'.-]*|[A-Z]\.|(?:de|da|van|von|der|bin|al|ibn|le|la|du|di)|al-\w+)$")
NATIONALITY = re.compile(r"^[A-Z][a-z]+(?:an|ese|ish|ic|i|ch)$")


def _first_names() -> dict[str, str]:
    """Given name (lower case) -> "m" or "f", from ``data/first_names.txt``."""
    text = resources.files("auditor.extract.attribution").joinpath("data/first_names.txt").read_text("utf-8")
    out: dict[str, str] = {}
    gender = ""
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.rstrip().endswith(":"):
            gender = line.strip()[0]
            continue
        out.update(dict.fromkeys(line.split(), gender))
    return out


FIRST_NAMES: dict[str, str] = _first_names()
