"""Domain categories and outlet names, from a table shipped as package data.

Three sources, in order of trust:

1. ``data/domains.csv``: curated by hand (state media with the state and a reference; public
   broadcasters with editorial independence kept apart as ``news``), extended or overridden
   by a user CSV (``--domains FILE``).
2. Rules on the host name: ``.gov``/``.mil``/``gov.xx``... government, ``.edu``/``ac.xx``...
   academic, ``.int`` intergovernmental. A table row always wins over a rule
   (``brookings.edu`` is a think tank).
3. ``data/perennial-sources.csv``: derived from Wikipedia's perennial sources list (CC BY-SA
   3.0), a fallback ``news`` (or ``other``) category whose ``source`` records the reliability
   status, and a list of outlet names.

Lookup walks parent domains, so ``english.news.cn`` inherits ``news.cn`` and a host row
(``factcheck.afp.com``) beats its parent (``afp.com``). Outlet names are matched through
precomputed dicts, because the attribution extractor asks for every capitalised phrase.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from auditor.classify.registrable import TAIL_LABELS, parent_domains, registrable_domain
from auditor.errors import InputError
from auditor.load import NotRegular, open_regular
from auditor.models import Category, DomainInfo
from auditor.urls import MAX_HOST, host_of

_PERENNIAL_PAGE = "https://en.wikipedia.org/wiki/Wikipedia:Reliable_sources/Perennial_sources"
_DOMAIN_OK = re.compile(r"^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,62}[a-z0-9_])?\.)+[a-z0-9-]{2,63}$")
_TOKEN = re.compile(r"[^\W_]+(?:[.&'’][^\W_]+)*&?|&", re.UNICODE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Second-level labels under a two-letter country code that mark a sector (``gov.uk``, ``ac.jp``).
_GOV_SLD = frozenset({"gov", "gob", "gouv", "go", "govt", "gv", "mil"})
_ACADEMIC_SLD = frozenset({"ac", "edu"})

# Words that are also outlet names: alone they never map ("Time", "People", "Monday"); with
# "the" they map only when capitalised ("the Guardian", not "the guardian").
_COMMON = _words(
    """
    a an and the of for in on at to by with from new old news daily weekly times time post
    herald tribune star sun mail mirror express telegraph guardian independent observer
    standard globe nation hill atlantic economist spectator intercept register conversation
    diplomat verge wrap cut onion canary age hindu australian monitor journal record review
    people reason salon slate vice wired nature science variety fortune mint print wire scroll
    dawn insider politico medium history quartz polygon genius vogue heavy bustle metro punch
    stuff prospect world today global international national public state federal foreign
    policy affairs interest press media network service agency channel radio tv television
    online web report reports free life business financial money market markets capital
    office house white department ministry council institute center centre foundation group
    university president minister government prime secretary general chief director senator
    governor king queen prince mr mrs ms dr prof professor sir lord
    garage motherboard searchlight quadrant fandom blogger cosmopolitan entrepreneur deadline
    townhall vulture pride heat
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    north south east west central western eastern european american british chinese russian
    asia europe africa america china russia india taiwan ukraine iran israel japan korea
    washington london moscow beijing paris berlin york city
    """
)
# Places and titles that an article writes capitalised but that are never an outlet on their
# own, even though a perennial-sources name happens to equal them ("New York" is nymag.com).
_NEVER = frozenset({"new york", "new york city", "hong kong", "los angeles", "wall street"})

# Words an article puts in front of an outlet to characterise it: "Kremlin-funded RT",
# "state-run Xinhua", "Chinese state media CGTN", "Iran's Press TV".
_CHARACTERISATION = _words(
    """
    the a an its their his her kremlin beijing tehran moscow pyongyang caracas havana ankara
    doha riyadh damascus minsk communist party ccp cpc state states run funded financed backed
    owned controlled affiliated sponsored linked aligned connected based leaning friendly
    official officially government govt regime pro anti media news agency outlet outlets
    broadcaster broadcasters network channel tv television radio newspaper paper daily weekly
    tabloid magazine website site portal wire service mouthpiece propaganda english language
    international leading prominent influential popular respected conservative liberal
    progressive right left wing far centre center mainstream alternative investigative online
    digital national financial business public publicly private privately satellite cable
    flagship major notorious so called russian chinese iranian turkish qatari saudi syrian
    venezuelan cuban north south korean belarusian british american us u s uk french german
    indian pakistani israeli japanese ukrainian european western arab australian canadian
    italian spanish lebanese egyptian russia china iran turkey qatar syria venezuela cuba korea
    belarus britain america france germany india pakistan israel japan ukraine lebanon egypt
    """
)


_PERENNIAL, _BUNDLED, _USER = 0, 1, 2  # name-index priorities


@dataclass(frozen=True, slots=True, kw_only=True)
class _Perennial:
    domain: str
    name: str
    aliases: tuple[str, ...]
    status: str
    wiki_url: str
    news_like: bool

    def info(self) -> DomainInfo:
        category = Category.NEWS if self.news_like else Category.OTHER
        source = f"Wikipedia perennial sources ({self.status}): {self.wiki_url or _PERENNIAL_PAGE}"
        return DomainInfo(domain=self.domain, category=category, name=self.name, source=source)


def _tokens(text: str) -> list[tuple[str, int]]:
    """Word tokens with their start offsets; a trailing possessive is dropped ("RT's")."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'")
    out: list[tuple[str, int]] = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        if word.endswith(("'s", "'S")):
            word = word[:-2]
        out.append((word.replace(".", "") if len(word) <= 4 else word, m.start()))
    return out


def _key(words: Iterable[str]) -> str:
    return " ".join(words)


def _name_keys(name: str) -> Iterator[tuple[str, bool]]:
    """Index keys for one outlet name: (key, case_sensitive).

    Common-word names are kept only in their capitalised "The X" form; single common words
    and places are never keys.
    """
    words = [w for w, _ in _tokens(name)]
    if not words:
        return
    lower = [w.casefold() for w in words]
    core, core_lower = (words[1:], lower[1:]) if lower[0] == "the" else (words, lower)
    if not core or _key(core_lower) in _NEVER or len(_key(core_lower)) < 2:
        return
    if len(core) == 1 and core[0].isupper() and core[0].isalpha() and len(core[0]) <= 4:
        yield _key(core), True  # acronyms match as written: "WHO" but not "Who"
        yield _key(["the", *core]), True
        return
    if all(w in _COMMON for w in core_lower):
        if any(w[:1].isupper() or w[:1].isdigit() for w in core):
            yield _key(["the", *core]), True
            if len(core) > 1:
                yield _key(core), True
        return
    yield _key(core_lower), False
    yield _key(["the", *core_lower]), False


class DomainTable:
    """Categories of domains and hosts, and the outlets behind names."""

    def __init__(
        self, rows: Iterable[tuple[DomainInfo, tuple[str, ...]]], perennial: Iterable[_Perennial]
    ) -> None:
        self._rows: dict[str, DomainInfo] = {}
        self._perennial: dict[str, _Perennial] = {}
        self._names: dict[str, tuple[int, DomainInfo]] = {}
        self._names_cs: dict[str, tuple[int, DomainInfo]] = {}
        self._cache: dict[str, DomainInfo | None] = {}
        self._depth = TAIL_LABELS  # labels of the longest row: no longer parent can match
        for per in perennial:
            self._perennial.setdefault(per.domain, per)
            self._depth = max(self._depth, per.domain.count(".") + 1)
        for per in self._perennial.values():
            for name in (per.name, *per.aliases):
                self._index(name, per.info(), _PERENNIAL)
        for info, aliases in rows:
            self.add(info, aliases, priority=_BUNDLED)

    def add(self, info: DomainInfo, aliases: tuple[str, ...] = (), *, priority: int = _USER) -> None:
        """Add or replace one row: its domain, and its names unless a row as trusted has them.

        Within one source the first row keeps a name (``bbc.co.uk`` before ``bbc.com``); a
        user row takes names from the bundled table, which takes them from the perennial list.
        """
        self._rows[info.domain] = info
        self._depth = max(self._depth, info.domain.count(".") + 1)
        self._cache.clear()
        for name in (info.name or "", *aliases):
            self._index(name, info, priority)

    def _index(self, name: str, info: DomainInfo, priority: int) -> None:
        for key, case_sensitive in _name_keys(name):
            target = self._names_cs if case_sensitive else self._names
            current = target.get(key)
            if current is None or current[0] < priority:
                target[key] = (priority, info)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, extra_csv: str | Path | None = None) -> DomainTable:
        """The bundled table, extended (and overridden) by a user CSV when given."""
        table = cls(_bundled_rows(), _bundled_perennial())
        if extra_csv is not None:
            for info, aliases in _user_rows(Path(extra_csv)):
                table.add(info, aliases)
        return table

    # ------------------------------------------------------------------ lookups

    def info(self, domain: str | None) -> DomainInfo | None:
        """Classification of a host, registrable domain or URL; None when nothing knows it."""
        host = _host(domain)
        if host is None:
            return None
        if host not in self._cache:
            if len(self._cache) > 65536:
                self._cache.clear()
            self._cache[host] = self._lookup(host)
        return self._cache[host]

    def _lookup(self, host: str) -> DomainInfo | None:
        parents = parent_domains(host, self._depth)
        for candidate in parents:
            if candidate in self._rows:
                return self._rows[candidate]
        ruled = _rule(host)
        if ruled is not None:
            return ruled
        for candidate in parents:
            if candidate in self._perennial:
                return self._perennial[candidate].info()
        return None

    def categorise(self, domain: str | None, self_domain: str | None = None) -> Category | None:
        """The category of a domain; ``SELF`` when it is the article's own site."""
        host = _host(domain)
        if host is None:
            return None
        own = _host(self_domain)
        if own is not None and (registrable_domain(host) or host) == (registrable_domain(own) or own):
            return Category.SELF
        info = self.info(host)
        return info.category if info else None

    def reliability(self, domain: str | None) -> str | None:
        """Wikipedia's perennial-sources status for a domain (e.g. "Deprecated"), if listed."""
        host = _host(domain)
        if host is None:
            return None
        for candidate in parent_domains(host, self._depth):
            per = self._perennial.get(candidate)
            if per is not None:
                return per.status
        return None

    def describe(self, domain: str | None) -> DomainInfo | None:
        """Everything the tables say of ``domain``: its row (or rule) with the perennial-sources
        status and the list's date, filed under ``domain`` itself; None when nothing knows it."""
        host = _host(domain)
        if host is None:
            return None
        info = self.info(host)
        status = self.reliability(host)
        if info is None and status is None:
            return None
        if info is None:  # listed, but nothing classifies it: rare (the list is a fallback)
            info = DomainInfo(
                domain=host, category=Category.OTHER, source=f"Wikipedia perennial sources: {status}"
            )
        as_of = perennial_as_of() if status else None
        return replace(info, domain=host, reliability=status, reliability_as_of=as_of)

    def outlet(self, name: str) -> DomainInfo | None:
        """The table row of an outlet (or organisation) named in an article, or None."""
        found = self.characterised_outlet(name)
        return found[0] if found else None

    def characterised_outlet(self, name: str) -> tuple[DomainInfo, str | None] | None:
        """Like ``outlet``, also returning the article's characterisation ("Kremlin-funded")."""
        if not name or len(name) > 200:
            return None
        toks = _tokens(name)
        words = [w for w, _ in toks]
        lower = [w.casefold() for w in words]
        for i in range(len(words)):
            if i and lower[i - 1] not in _CHARACTERISATION:
                return None
            hit = self._names.get(_key(lower[i:]))
            if hit is None:
                hit = self._names_cs.get(_key(["the", *words[i + 1 :]] if lower[i] == "the" else words[i:]))
            if hit is not None:
                prefix = name[: toks[i][1]].strip(" ,;:-") if i else ""
                prefix = re.sub(r"^(the|a|an)\s+", "", prefix, flags=re.I)
                return hit[1], (prefix or None)
        return None


# ---------------------------------------------------------------------- rules and hosts


def _host(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if "://" in value:
        value = host_of(value) or ""
    host = value.strip().lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    return host if host and len(host) <= MAX_HOST else None


def _rule(host: str) -> DomainInfo | None:
    labels = host.split(".")
    tld = labels[-1]
    category: Category | None = None
    if tld in ("gov", "mil"):
        category, why = Category.GOVERNMENT, f"rule: .{tld}"
    elif tld == "edu":
        category, why = Category.ACADEMIC, "rule: .edu"
    elif tld == "int":
        category, why = Category.INTERGOVERNMENTAL, "rule: .int"
    elif len(labels) >= 2 and len(tld) == 2 and tld.isalpha():
        sld = labels[-2]
        if sld in _GOV_SLD:
            category, why = Category.GOVERNMENT, f"rule: {sld}.{tld}"
        elif sld in _ACADEMIC_SLD:
            category, why = Category.ACADEMIC, f"rule: {sld}.{tld}"
    if category is None:
        return None
    return DomainInfo(domain=registrable_domain(host) or host, category=category, source=why)


# ---------------------------------------------------------------------- CSV


def _data_text(name: str) -> str:
    return resources.files("auditor.classify").joinpath("data", name).read_text(encoding="utf-8")


def _uncommented(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def _aliases(field: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (field or "").split("|") if a.strip())


def _bundled_rows() -> list[tuple[DomainInfo, tuple[str, ...]]]:
    return list(_parse_rows(_data_text("domains.csv"), "bundled domains.csv", default_source="curated"))


def _as_of(text: str) -> str | None:
    """The list's date, from the header comment ("... as of 2021-03-17, ...")."""
    found = re.search(r"as of (\d{4}-\d{2}-\d{2})", text)
    return found.group(1) if found else None


def _bundled_perennial() -> list[_Perennial]:
    rows = csv.DictReader(_uncommented(_data_text("perennial-sources.csv")))
    return [
        _Perennial(
            domain=row["domain"], name=row["name"], aliases=_aliases(row.get("aliases")),
            status=row["status"], wiki_url=row.get("wiki_url") or "", news_like=row.get("news_like") == "yes",
        )
        for row in rows
    ]  # fmt: skip


def _user_rows(path: Path) -> list[tuple[DomainInfo, tuple[str, ...]]]:
    try:
        with open_regular(path) as fh:
            text = fh.read().decode("utf-8-sig")
    except NotRegular as exc:
        raise InputError(f"domains file is not a regular file: {path}") from exc
    except FileNotFoundError as exc:
        raise InputError(f"domains file not found: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"domains file is not UTF-8 text: {path}") from exc
    except OSError as exc:
        raise InputError(f"cannot read domains file {path}: {exc.strerror or exc}") from exc
    return list(_parse_rows(text, str(path), default_source=f"user: {path.name}"))


def _parse_rows(
    text: str, label: str, *, default_source: str
) -> Iterator[tuple[DomainInfo, tuple[str, ...]]]:
    """Rows of a domains CSV; a malformed row raises ``InputError`` naming file and line."""
    lines = _uncommented(text)
    try:
        reader = csv.DictReader(io.StringIO("\n".join(lines)))
        fields = {f.strip().lower() for f in reader.fieldnames or ()}
        if not {"domain", "category"} <= fields:
            raise InputError(f"{label}: needs a header with at least 'domain' and 'category' columns")
        for number, row in enumerate(reader, start=1):
            yield _parse_row(
                {(k or "").strip().lower(): v for k, v in row.items()}, label, number, default_source
            )
    except csv.Error as exc:
        raise InputError(f"{label}: not a valid CSV file ({exc})") from exc


def _parse_row(
    row: dict[str, object], label: str, number: int, default_source: str
) -> tuple[DomainInfo, tuple[str, ...]]:
    def field(name: str) -> str:
        value = row.get(name)
        return value.strip() if isinstance(value, str) else ""

    domain = field("domain").lower().rstrip(".")
    domain = domain[4:] if domain.startswith("www.") else domain
    if not _DOMAIN_OK.match(domain):
        raise InputError(f"{label}: row {number}: {domain or 'empty'!r} is not a domain name")
    try:
        category = Category(field("category").lower())
        if category is Category.SELF:  # relative to an article, never a property of a domain
            raise ValueError
    except ValueError:
        allowed = ", ".join(c.value for c in Category if c is not Category.SELF)
        raise InputError(
            f"{label}: row {number}: unknown category {field('category')!r} (one of: {allowed})"
        ) from None
    info = DomainInfo(
        domain=domain,
        category=category,
        name=field("name") or None,
        state=field("state") or None,
        source=field("source") or default_source,
    )
    return info, _aliases(field("aliases"))


@cache
def perennial_as_of() -> str | None:
    """The date of the bundled perennial-sources list, as its header states it."""
    return _as_of(_data_text("perennial-sources.csv"))


@cache
def default_table() -> DomainTable:
    """The bundled table, loaded once per process."""
    return DomainTable.load()
