"""Derive the attribution cue lexicon from PolNeAR's train split, with counts.

    python scripts/derive_cues.py [--data ../shared/devset/polnear] [--out auditor/extract/attribution/data/cues.tsv]

For every word form outside quotations in the train articles' bodies it counts how often the
form occurs (``seen``) and how often it is the head of a gold cue (``gold``: the first word of
the cue that is not an auxiliary, adverb or particle). A form is a candidate when it heads at
least ``--min-gold`` gold cues and its precision (``gold / seen``) reaches ``--min-precision``.
Candidates are then grouped by lemma and kept only when the lemma is in ``REVIEWED`` below,
which is the human part: a reviewer has read the lemma's train uses and put it in a class
(``speech``: reported speech and writing; ``stance``: public support, criticism, requests;
``thought``: belief, hope, fear, perception; ``evidence``: what documents and data show). A
lemma the data proposes that nobody has reviewed is printed and left out, as are the lemmas of
``REJECTED`` (with the reason). Forms of a kept lemma that the train split never uses as a cue
(``testifies``) are added with their counts, so that the list does not depend on which tense a
corpus happened to use; at run time such a form is held to the same rules as its siblings.

Only train is read: dev stays for measuring. PolNeAR text is never written out, only word
forms and counts.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "devset" / "polnear"
DEFAULT_OUT = ROOT / "auditor" / "extract" / "attribution" / "data" / "cues.tsv"

# Words that never head a cue: auxiliaries, adverbs, particles, determiners.
_SKIP = frozenset(
    """has have had is was be been are were will would could can may might did do does not
    to also in a an the of on that as it its and or with for by at being should shall must just
    n't never later then again repeatedly reportedly publicly privately previously already still
    often even now once recently long first widely more all only so quickly increasingly strongly
    immediately initially formally always openly largely especially specifically directly
    officially regularly finally currently consistently generally ultimately frequently almost
    soon eventually actually further particularly probably certainly clearly typically deeply
    explicitly apparently originally very slightly evenly perhaps similarly seriously loudly
    subsequently mostly hardly pointedly overwhelmingly derisively implicitly effectively
    routinely aggressively jokingly seemingly barely enthusiastically forcefully acutely
    about out up over back off down into from against under since among without there this
    who one two both some no yet most much less last earlier""".split()
)

_IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "tells": "tell",
    "wrote": "write",
    "written": "write",
    "writes": "write",
    "thought": "think",
    "spoke": "speak",
    "spoken": "speak",
    "knew": "know",
    "known": "know",
    "felt": "feel",
    "saw": "see",
    "seen": "see",
    "heard": "hear",
    "meant": "mean",
    "found": "find",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "made": "make",
    "sought": "seek",
    "understood": "understand",
    "drew": "draw",
    "drawn": "draw",
    "put": "put",
    "puts": "put",
    "read": "read",
    "reads": "read",
    "forecast": "forecast",
    "shown": "show",
    "according": "according",
}

# lemma: class. Each was read in its train uses; the classes are described in the docstring.
REVIEWED: dict[str, str] = {
    **dict.fromkeys(
        """say tell write add ask report note announce suggest argue tweet continue describe explain
        acknowledge declare respond reply state claim insist warn recall conclude reveal testify
        admit concede predict comment remark quote mention point cite refer emphasize stress
        reiterate repeat assert contend maintain allege confirm deny disclose recount assure
        promise pledge vow boast brag joke complain lament tout highlight echo answer caution
        inform remind interject elaborate clarify observe opine muse proclaim speculate email
        retweet post shout yell chant concede speak talk discuss address express voice write
        counter announce estimate project forecast predict list signal indicate imply coin
        dub label name recommend advise urge share discuss reference bemoan attribute underscore
        weigh reaffirm hint trumpet downplay articulate react detail allude contrast outline
        rule""".split(),
        "speech",
    ),
    **dict.fromkeys(
        """call accuse criticize blast slam attack dismiss praise defend endorse support oppose
        reject reject denounce decry condemn blame mock question challenge demand request seek
        propose offer thank congratulate applaud welcome hail rail lash rebuke chide deride
        lambaste assail ridicule knock liken compare characterize portray paint frame threaten
        decline refuse agree disagree vote back favor push sue charge warn implore plead apologize
        nominate praise credit invoke champion advocate tout order encourage approve embrace
        celebrate boo balk disavow dispute vouch contradict promote protest brush single rebuff
        rip resist cheer""".split(),
        "stance",
    ),
    **dict.fromkeys(
        """think believe hope fear worry want expect see know feel doubt wonder consider view
        remember understand prefer plan intend wish realize recognize suspect imagine
        envision deem foresee assume mull interpret contemplate""".split(),
        "thought",
    ),
    **dict.fromkeys("show find according learn determine demonstrate".split(), "evidence"),
}

# Proposed by the data, left out on review.
REJECTED: dict[str, str] = {
    "make": "light verb ('made the case', 'made clear'): the cue is the phrase, not the verb",
    "go": "light verb ('went on to say'): the cue is the infinitive after it",
    "take": "light verb",
    "give": "light verb",
    "put": "light verb ('put it'): too rare alone",
    "seem": "raising verb: the subject is not a source",
    "appear": "raising verb",
    "expect": "mostly passive 'is expected to': a prediction with no source",
    "know": "mostly 'is known for', 'you know'",
    "see": "mostly literal seeing",
    "release": "an act, not speech: the document released is the source",
    "issue": "an act: the statement issued is the source",
    "sign": "an act",
    "pass": "an act",
    "cast": "'cast a vote' / 'cast doubt'",
    "use": "an act",
    "send": "an act",
    "file": "an act",
    "try": "an act",
    "begin": "an act",
    "start": "an act",
    "turn": "an act",
    "focus": "an act",
    "look": "mostly literal",
    "come": "motion",
    "hold": "an act",
    "read": "mostly 'read the bill'",
    "campaign": "mostly the noun",
    "debate": "mostly the noun",
    "statement": "a noun cue, read with its verb",
    "decide": "an act",
    "identify": "mostly self-identification in polls",
    "press": "mostly 'the press'",
    "sound": "'sounded the alarm': rare",
    "introduce": "an act",
    "eager": "an adjective",
    "confident": "an adjective",
    "concern": "mostly the noun",
    "ignore": "an act",
    "attempt": "an act",
    "anger": "an emotion caused, not held",
    "convince": "an act on others",
    "title": "a name, not a cue",
    "hire": "an act",
    "skeptical": "an adjective",
    "deliver": "an act",
    "appoint": "an act",
    "devote": "an act",
    "rattle": "an act",
    "side": "rare",
    "follow": "an act",
    "avoid": "an act",
    "aware": "an adjective",
    "distance": "an act",
    "upset": "an adjective",
    "present": "an act",
    "block": "an act",
    "persuade": "an act",
    "regard": "mostly 'in regard to'",
    "restrict": "an act",
    "proud": "an adjective",
    "wary": "an adjective",
    "unveil": "an act",
    "touch": "mostly literal",
    "launch": "an act",
    "sue": "an act",
    "authorize": "an act",
    "renew": "an act",
    "pivot": "an act",
    "acquiesce": "rare",
    "optimistic": "an adjective",
    "reluctant": "an adjective",
    "spar": "rare",
    "negotiate": "an act",
    "lay": "light verb",
    "opt": "an act",
    "stick": "rare",
    "notice": "rare",
    "mount": "an act",
    "shrug": "a gesture",
    "rely": "an act",
    "impose": "an act",
    "display": "an act",
}

# The hand-made lexicon of issue 3 (our fixtures and the shared sample use these): kept whatever
# their train counts, with those counts.
KEPT_FROM_BEFORE: dict[str, str] = {
    **dict.fromkeys(
        """say tell write state announce warn reveal highlight cite report claim note add argue
        explain urge reaffirm stress insist confirm deny acknowledge tweet post declare assert
        emphasise emphasize observe predict conclude admit concede reply respond counter recall
        describe suggest estimate pledge vow promise caution""".split(),
        "speech",
    ),
    **dict.fromkeys("frame accuse hail question condemn criticise criticize welcome blame".split(), "stance"),
    **dict.fromkeys("show find".split(), "evidence"),
}

_WORD = re.compile(r"[A-Za-z]+(?:[’'][a-z]+)?")
_QUOTES = re.compile(r"“[^”]{0,2000}”|\"[^\"\n]{0,2000}\"|''.{0,2000}?''")


def lemma(form: str) -> str:
    """A crude lemma, enough to group the forms of one verb."""
    w = form.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for suffix, repl in (("ied", "y"), ("ies", "y"), ("ying", "y")):
        if w.endswith(suffix) and len(w) > 4:
            return w[: -len(suffix)] + repl
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.endswith("ss"):
            stem = w[: -len(suffix)]
            if len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "ls":
                stem = stem[:-1]  # admitted -> admit
            return stem
    return w


def _known_lemma(stem: str) -> str | None:
    """The reviewed lemma a crude stem stands for ('argu' -> 'argue', 'tweet' -> 'tweet')."""
    for cand in (stem, stem + "e", stem.removesuffix("e")):
        if cand in REVIEWED or cand in REJECTED:
            return cand
    return None


def inflections(lem: str) -> dict[str, str]:
    """form: shape ('past', 's', 'ing', 'base') for a regular verb."""
    e = lem.endswith("e")
    y = lem.endswith("y") and lem[-2:-1] not in "aeiou"
    past = lem + "d" if e else (lem[:-1] + "ied" if y else lem + "ed")
    third = (
        lem[:-1] + "ies" if y else (lem + "es" if lem.endswith(("s", "sh", "ch", "x", "z")) else lem + "s")
    )
    ing = lem[:-1] + "ing" if e and not lem.endswith("ee") else lem + "ing"
    return {lem: "base", past: "past", third: "s", ing: "ing"}


def shape(form: str) -> str:
    if form in _IRREGULAR:
        return "s" if form.endswith("s") else "past"
    if form.endswith("ing"):
        return "ing"
    if form.endswith("ed"):
        return "past"
    if form.endswith("s") and not form.endswith("ss"):
        return "s"
    return "base"


def count(data: Path) -> tuple[Counter[str], Counter[str]]:
    seen: Counter[str] = Counter()
    gold: Counter[str] = Counter()
    with (data / "train.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            text = art["text"]
            body = text.find("\n") + 1
            quoted = bytearray(len(text))
            for m in _QUOTES.finditer(text):
                quoted[m.start() : m.end()] = b"\x01" * (m.end() - m.start())
            for m in _WORD.finditer(text, body):
                if not quoted[m.start()]:
                    seen[m.group().lower().replace("’", "'")] += 1
            for g in art["attributions"]:
                if g["cue_span"][0] < body:
                    continue
                words = [w.lower().replace("’", "'") for w in _WORD.findall(g["cue"])]
                head = next((w for w in words if w not in _SKIP and "'" not in w), None)
                if head:
                    gold[head] += 1
    return seen, gold


def _rows(
    seen: Counter[str], gold: Counter[str], min_gold: int, min_precision: float
) -> tuple[list[tuple[object, ...]], Counter[str]]:
    """The lexicon's rows (reviewed lemmas' forms, with counts) and the unreviewed proposals."""
    kept: dict[str, set[str]] = {}
    unreviewed: Counter[str] = Counter()
    for form, g in gold.items():
        n = max(seen[form], g)
        if g < min_gold or g / n < min_precision:
            continue
        lem = _known_lemma(lemma(form))
        if len(form) < 3:
            continue
        if lem is None:
            unreviewed[lemma(form)] += g
        elif lem in REVIEWED and lem not in REJECTED:
            kept.setdefault(lem, set()).add(form)
    for lem in KEPT_FROM_BEFORE:
        kept.setdefault(lem, set())
    rows = []
    for lem, forms in sorted(kept.items()):
        shapes = {f: shape(f) for f in forms}
        if lem not in _IRREGULAR.values() or lem in {"show"}:
            shapes = {**{f: s for f, s in inflections(lem).items() if s != "base"}, **shapes}
        for form, sh in sorted(shapes.items()):
            n = max(seen[form], gold[form])
            precision = gold[form] / n if n else 0.0
            cls = REVIEWED.get(lem) or KEPT_FROM_BEFORE[lem]
            rows.append((form, lem, sh, cls, gold[form], seen[form], f"{precision:.2f}"))
    return rows, unreviewed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--min-gold", type=int, default=3)
    parser.add_argument("--min-precision", type=float, default=0.25)
    args = parser.parse_args(argv)
    if not (args.data / "train.jsonl").is_file():
        print(f"derive_cues: {args.data / 'train.jsonl'} not found", file=sys.stderr)
        return 2
    seen, gold = count(args.data)
    rows, unreviewed = _rows(seen, gold, args.min_gold, args.min_precision)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        fh.write(
            "# Cue lexicon derived from PolNeAR train by scripts/derive_cues.py; reviewed by lemma there.\n"
            "# form\tlemma\tshape\tclass\tgold (heads a train cue)\tseen (outside quotations)\tprecision\n"
        )
        for row in rows:
            fh.write("\t".join(str(x) for x in row) + "\n")
    print(f"{len(rows)} forms of {len({r[1] for r in rows})} lemmas written to {args.out}")
    if unreviewed:
        print("proposed by the data, not reviewed (left out):", file=sys.stderr)
        print(", ".join(f"{w} {c}" for w, c in unreviewed.most_common()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
