"""Around one cue: who speaks (before or after the cue), where, and with which quotation.

The subject is read leftwards from the cue inside its clause: adverbs and auxiliaries are
skipped ("bluntly questioned", "has warned"), an apposition between commas becomes the role
("Jake Sullivan, Biden's national security adviser, said"), and a conjunction right before
the cue ("... and accused") means the subject is shared with an earlier cue, which already
holds the sentence. "said X" after a quotation and "according to X" read rightwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.extract.attribution.anonymous import anonymous
from auditor.extract.attribution.lexicon import DETERMINERS, word_set
from auditor.extract.attribution.names import OutletResolver, Phrase, classify, is_outlet, strip_article
from auditor.extract.text import is_abbreviation as _is_abbreviation
from auditor.models import SourceKind

_SKIP_WORDS = word_set(
    """has have had was were is are be been also since then now once again later recently
    previously repeatedly reportedly publicly openly bluntly aptly further already explicitly
    firmly flatly strongly sharply quickly immediately last yesterday today long
    earlier subsequently separately similarly privately tersely angrily even just not
    never always often herself himself themselves itself"""
)
_LY_NOUNS = frozenset({"daily", "weekly", "monthly", "family", "ally", "rally", "assembly", "supply"})
_CUT = re.compile(r"[;:(]|\s[—–-]{1,2}\s|[—–]|[”»]\s*,?|,\s*(?:[”\"]|'')|''\s")
_LEAD = re.compile(
    r"^(?:(?:as|and|but|while|when|since|because|though|although|so|whereas|where|if|then|meanwhile|also|which|who|that)\s+)+",
    re.I,
)
_WHO = re.compile(r"^\s*(?:who\s+is|who\s+was|who)\s+")
_GERUND = re.compile(r"\s*\w+ing\b")
_PUNCT = re.compile(r"[,.;:!?“”\"]")
_ACCORDING = re.compile(r"\s+([^,.;:!?“”\"]{1,100}?)(?=\s*(?:[,.;:!?“”\"]|\bthat\b|\bwhich\b|$))")
_DATA_FROM = re.compile(
    r"^[\w\s-]{0,40}?\b(?:data|figures|estimates|numbers|statistics|analysis|research)\s+(?:from|by)\s+(.+)$"
)
_PAREN = re.compile(r"\s\((?:[^()“”\"]{1,30})\)(?=\s|,|$)")
_AGE = re.compile(r",\s*\d{1,3}(?=,\s)")
_DASH_PAIR = re.compile(r"\s(?:--|—|–)\s[^—–“”\"]{1,160}?\s(?:--|—|–)(?=\s)")
_RELATIVE = re.compile(r"^(?:who|which|whose|whom)\b", re.I)
# A relative clause is a role when it says what the person is or runs: "who heads the union".
_WHO_IS = re.compile(
    r"^who\s+(?:(?:is|was)\s+(?:an?|the)\s|(?:heads|headed|leads|led|chairs|chaired|runs|ran|directs|"
    r"founded|co-founded|represents|represented|oversees|manages|owns|advises|serves as|served as)\s)",
    re.I,
)
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_TRAILING_TIME = re.compile(
    rf"\s+(?:(?:on|early|late|last|this|next)\s+)?(?:{_DAYS}|week|month|year|night|morning|afternoon|evening|weekend)"
    rf"(?:\s+(?:night|morning|afternoon|evening))?$|\s+(?:at the time|in (?:a|an|his|her|their) (?:statement|interview|tweet|speech))$",
    re.I,
)
_TIME_ENDS = frozenset(
    {*_DAYS.split("|"), "week", "month", "year", "night", "morning", "afternoon", "evening", "weekend"}
    | {"time", "statement", "interview", "tweet", "speech"}
)
_WINDOW = 400  # characters before a cue in which its subject may stand
_HYPOTHETICAL = re.compile(r"\b(?:whether|if)\s", re.I)
_CONJ_END = re.compile(r"(?:^|\s)(?:and|or|but|nor)$", re.I)
_CHAR = r"(?P<char>(?:(?:[\w]+-(?:funded|backed|owned|run|controlled|affiliated|aligned|leaning|linked|sponsored|financed)|state-\w+|pro-\w+)\s+){0,2})"
_NAME = r"(?P<name>(?:the\s+)?[A-Z][\w.&'’-]*(?:\s+(?:of\s+)?[A-Z][\w.&'’-]*){0,4})"
# Each venue pattern is tried only where one of its keywords occurs (found with str.find on
# the lower-cased sentence): scanning every position with these patterns costs milliseconds.
_VENUES: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = tuple(
    (keys, re.compile(p))
    for keys, p in (
        (
            ("wrote ", "writes ", "writing ", "written ", "published ", "posted ", "said ", "says "),
            rf"(?i:wrote|writes|writing|written|published|posted|said|says)\s+(?:(?:an?|the)\s+(?:[\w-]+\s+){{0,2}}?(?:op-ed|article|column|piece|essay|commentary|editorial|post|blog|analysis)\s+)?(?:in|on|for)\s+{_CHAR}{_NAME}",
        ),
        (
            ("told ", "tells ", "telling ", "speaking ", "talking "),
            rf"(?i:told|tells|telling|speaking to|speaking with|talking to)\s+{_CHAR}{_NAME}",
        ),
        (
            ("in a ", "in an "),
            rf"[Ii]n an?\s+(?:[\w-]+\s+)?(?:interview|conversation|op-ed|article|column|podcast|post|video|tweet|message|appearance|essay|commentary|piece)\s+(?:with|on|to|in|for)\s+{_CHAR}{_NAME}",
        ),
        (
            ("according to ",),
            rf"(?i:according to) (?:an?|the)\s+(?:[\w-]+\s+)?(?:report|article|story|interview|post|analysis|investigation)\s+(?:by|in|from|on)\s+{_CHAR}{_NAME}",
        ),
    )
)


def _keyword_matches(sentence: str) -> list[re.Match[str]]:
    low = sentence.lower()
    found: list[re.Match[str]] = []
    for keys, pattern in _VENUES:
        for k in keys:
            i = low.find(k)
            while i != -1:
                if (i == 0 or not low[i - 1].isalnum()) and (m := pattern.match(sentence, i)):
                    found.append(m)
                i = low.find(k, i + 1)
    return found


@dataclass(frozen=True, slots=True)
class Subject:
    phrase: Phrase
    start: int  # offset of the subject clause in the sentence
    end: int
    direct: bool  # the cue follows the subject with nothing in between ("Beijing said")


@dataclass(frozen=True, slots=True)
class Venue:
    name: str
    characterisation: str | None


def _strip_tail(text: str) -> tuple[str, bool]:
    """Drop adverbs and auxiliaries before the cue; report whether any were dropped."""
    words = text.rstrip().split(" ")
    dropped = False
    while words and (
        words[-1].lower() in _SKIP_WORDS
        or (words[-1].endswith("ly") and words[-1].islower() and words[-1] not in _LY_NOUNS)
    ):
        words.pop()
        dropped = True
    return " ".join(words).rstrip(), dropped


def _last_cut(text: str) -> tuple[int, int]:
    """Where the clause before a cue begins: after the last hard boundary (; : ( a dash, a
    quotation), and after the last "that" (0 when there is none)."""
    end = 0
    for m in _CUT.finditer(text):
        end = m.end()
    if text.count('"') % 2 == 0 and '"' in text:
        end = max(end, text.rfind('"') + 1)
    that = text.rfind(" that ")
    return end, that + 6 if that >= 0 and that + 6 > end else 0


def _with_role(phrase: Phrase, role: str | None) -> Phrase:
    if not role:
        return phrase
    merged = ", ".join(p for p in (phrase.role, role) if p)
    return Phrase(
        name=phrase.name,
        kind=phrase.kind,
        role=merged,
        place_only=phrase.place_only,
        reference=phrase.reference,
        via=phrase.via,
    )


def _blanked(text: str) -> tuple[str, bool]:
    """Parentheticals that are no clause boundary, blanked to spaces so offsets hold: a party
    and state ("Sen. Claire Dalton (D-Ore.)"), a handle, an age ("Mr. Lund, 82,") and a dash
    pair around an aside ("Ana Ruiz, the firm's founder -- who sold it -- said", which
    closes like a comma). Also whether a comma now closes an apposition that no comma opens."""
    soft = False
    if "(" in text and _PAREN.search(text):
        text = _PAREN.sub(lambda m: " " * len(m.group()), text)
    if "," in text and _AGE.search(text):
        text = _AGE.sub(lambda m: " " * len(m.group()), text)
        soft = True
    m = _DASH_PAIR.search(text) if ("--" in text or "—" in text or "–" in text) else None
    if m is not None and not text[m.end() :].strip():
        text = text[: m.start()] + " " * (len(m.group()) - 1) + "," + text[m.end() :]
        soft = True
    return text, soft


def _strip_time(text: str) -> str:
    """ "The Times on Saturday", "Mr. Cole this week": time phrases before the cue."""
    while True:
        last = text[text.rfind(" ") + 1 :].lower()
        if last not in _TIME_ENDS:
            return text  # the regex runs only where the last word can end a time phrase
        m = _TRAILING_TIME.search(text, max(0, len(text) - 40))
        if m is None or m.start() == 0:
            return text
        text = text[: m.start()].rstrip()


def subject_before(
    sentence: str, cue_start: int, resolve: OutletResolver | None, *, closed: bool = False
) -> Subject | None:
    """The speaker named before the cue, or None (no subject, or a shared one). With
    ``closed``, a comma before the cue closes the subject ("Ada Holm, who ..." read up to the
    comma) even when no comma opens an apposition. A "that" may open the clause the cue ends
    ("the agency that oversees the port said"): when the words after it name nobody, the
    words before it are read instead."""
    window = max(0, cue_start - _WINDOW)
    left, soft = _blanked(sentence[window:cue_start])
    hard, that = _last_cut(left)
    found = _read_before(left, max(hard, that), soft or closed, resolve)
    if found is None and that > hard:
        found = _read_before(left, hard, soft or closed, resolve)
    if found is None:
        return None
    phrase, offset, direct = found
    return Subject(phrase=phrase, start=window + offset, end=cue_start, direct=direct)


def _read_before(
    left: str, base: int, soft: bool, resolve: OutletResolver | None
) -> tuple[Phrase, int, bool] | None:
    """(phrase, its offset in ``left``, said directly) for the subject in ``left[base:]``."""
    clause, dropped = _strip_tail(left[base:])
    timed = _strip_time(clause)  # "Wells Fargo just this month announced"
    if timed != clause:
        clause, dropped = _strip_tail(timed)[0], True
    if not clause.strip() or _CONJ_END.search(clause[-6:]):
        return None
    peeled = _peel(clause, soft)
    if peeled is None:
        return None
    clause, appos = peeled
    cut = clause.rfind(",")
    head = clause[cut + 1 :].strip()
    lead = _LEAD.match(head)
    head = head[lead.end() :] if lead else head
    if not head or _HYPOTHETICAL.search(head):
        return None
    phrase = _head_and_apposition(head, appos, resolve)
    if phrase is None:
        return None
    return phrase, base + max(0, left[base:].find(head)), not dropped and appos is None


def _peel(clause: str, soft: bool) -> tuple[str, str | None] | None:
    """The clause without the appositions that end it, and the one nearest the name.

    "Yin Mar, 60, a doctor, said"; "Ada Holm, the minister of ports, a member of the council,
    said" (two); "Mr. Obama, who knew the bill would fail, told" (a relative clause, no role).
    None when a comma closes something no comma opens."""
    appos = None
    while clause.endswith(","):
        inner = clause[:-1].rstrip()
        comma = inner.rfind(",")
        if comma == -1 and soft:
            return inner, appos
        if comma == -1:
            return None
        extra = inner[comma + 1 :].strip()
        clause = inner[:comma].rstrip()
        if _RELATIVE.match(extra) and not _WHO_IS.match(extra):
            clause += ","  # the comma before a relative clause closes what comes before it
            soft = True
            continue
        appos = extra
    while appos is not None and "," in clause:  # "X, the minister, a member of Y,"
        comma = clause.rfind(",")
        extra = clause[comma + 1 :].strip()
        if not extra or not (extra[:1].islower() or extra.split()[0].lower() in DETERMINERS):
            break
        appos, clause = extra, clause[:comma].rstrip()
    return clause, appos


def _head_and_apposition(head: str, appos: str | None, resolve: OutletResolver | None) -> Phrase | None:
    """'Jake Sullivan, Biden's adviser,' and the reverse 'The chancellor's spokesman, Steffen Hebestreit,'."""
    phrase = classify(head, resolve)
    if appos is None:
        return phrase
    if (
        phrase is None
        or phrase.kind is SourceKind.ANONYMOUS
        or (phrase.reference is not None and phrase.reference not in {"he", "she"})
    ) and appos.strip()[:1].isupper():
        named = classify(appos.strip(), resolve)
        if named is not None and named.kind is SourceKind.PERSON and named.reference is None:
            return _with_role(named, _appos_role(head))
    if phrase is None:
        return None
    return _with_role(phrase, _appos_role(appos))


def _appos_role(text: str) -> str | None:
    text = _WHO.sub("", text.strip())
    if (
        not text
        or ". " in text
        or len(text.split()) > 14
        or re.match(
            r"^(?:in|on|at|during|after|before|for|with|by|from|speaking|writing|asked)\b", text, re.I
        )
    ):
        return None
    return strip_article(text)


def _segments(text: str, limit: int = 2) -> list[tuple[int, int]]:
    """Comma-separated segments of ``text`` up to its first hard stop (. ; : ! ? or a quotation
    mark); a period after an initial or an abbreviation ("Gene B. Sperling", "Rep.") is no stop."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _PUNCT.finditer(text):
        ch = m.group()
        if ch == "." and _is_abbreviation(text, m.start()):
            continue
        out.append((start, m.start()))
        if ch != "," or len(out) >= limit:
            return out
        start = m.end()
    out.append((start, len(text)))
    return out[:limit]


def subject_after(sentence: str, cue_end: int, resolve: OutletResolver | None) -> Subject | None:
    """The speaker named right after the cue: '..., said Jake Sullivan, an adviser.'"""
    right, _ = _blanked(sentence[cue_end : cue_end + 300])
    segs = _segments(right)
    a, b = segs[0]
    np = right[a:b].strip()
    if not np or len(np) > 90:
        return None
    words = np.split()
    if not (
        np[:1].isupper()
        or np[:1].isdigit()
        or words[0].lower() in DETERMINERS
        or words[-1][:1].isupper()
        or anonymous(np) is not None
    ):
        return None
    appos = right[segs[1][0] : segs[1][1]].strip() if len(segs) > 1 else None
    if appos and (_GERUND.match(" " + appos) or len(appos) > 140):
        appos = None
    phrase = _head_and_apposition(np, appos, resolve)
    if phrase is None:
        return None
    start = cue_end + a + (len(right[a:b]) - len(right[a:b].lstrip()))
    return Subject(phrase=phrase, start=start, end=start + len(np), direct=False)


def subject_according(sentence: str, cue_end: int, resolve: OutletResolver | None) -> Subject | None:
    """'according to X' / 'according to a report by X' / 'according to the statement'."""
    right = sentence[cue_end:]
    m = _ACCORDING.match(right)
    if not m:
        return None
    np = m.group(1).strip()
    source = _DATA_FROM.match(np)  # "ship-tracking data from MarineTraffic"
    if source and not np[:1].isupper():
        np = source.group(1)
    if not (
        np[:1].isupper()
        or np.split()[0].lower() in {"the", "a", "an", "its", "his", "her", "their"}
        or anonymous(np) is not None  # "according to one research firm"
    ):
        return None
    phrase = classify(np, resolve)
    if phrase is None or phrase.place_only:
        return None
    start = cue_end + m.start(1)
    return Subject(phrase=phrase, start=start, end=start + len(m.group(1)), direct=False)


def venue_in(sentence: str, resolve: OutletResolver | None) -> Venue | None:
    """The outlet or platform where the words appeared, with the article's characterisation."""
    for m in _keyword_matches(sentence):
        words = m.group("name").split()
        char = m.group("char").strip() or None
        for n in range(len(words), 0, -1):
            cand = strip_article(" ".join(words[:n])).rstrip(".")
            if cand and is_outlet(cand, resolve):
                return Venue(name=cand, characterisation=char)
        if char:
            return Venue(name=strip_article(" ".join(words)).rstrip("."), characterisation=char)
    return None
