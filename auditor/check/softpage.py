"""Read a fetched page for what its HTTP status hides: soft 404s, parked domains, bot walls.

Pure functions over the (capped) body text. Soft-404 is a *score*, not a phrase match: a real
not-found page says so in its title or main heading and usually again in the text, with little
else in its main area; a real article that happens to be about something "not found" has a
long body and article metadata, which count against. Parked pages and challenge pages are
only reported on clear evidence (a marker that such pages carry and articles do not).
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

import lxml.html  # type: ignore[import-untyped]
from lxml import etree

_NOT_FOUND = [
    # en
    r"page (?:was )?not found",
    r"\b404\b.{0,20}(?:error|not found|page)",
    r"(?:error|fehler|erreur|errore|ошибка|błąd)\s*404",
    r"page (?:you(?:'re| are)? (?:were )?(?:looking|searching) for|you requested|requested) (?:could not|couldn't|can't|cannot|does not|doesn't|no longer|was not|may have)",
    r"(?:this|that|the) page (?:does not|doesn't|no longer) exists?",
    r"we (?:couldn't|could not|can't|cannot) find (?:that|the|this) page",
    r"the requested url was not found",
    r"nothing (?:was )?found (?:at|for) this (?:location|address)",
    r"\bpage missing\b",
    # de, fr, es, it, pt, nl
    r"seite (?:wurde )?nicht gefunden",
    r"die (?:angeforderte|gesuchte|aufgerufene) seite (?:existiert nicht|konnte nicht|wurde nicht)",
    r"page (?:non trouvée|introuvable)",
    r"la page (?:que vous (?:cherchez|recherchez|demandez)|demandée) (?:n'existe|est introuvable|n'a pas)",
    r"página no encontrada",
    r"no (?:se )?(?:ha )?(?:podido )?encontr(?:ó|ar|ado) la página",
    r"la página que (?:buscas|busca|solicitaste) no existe",
    r"pagina non trovata",
    r"la pagina (?:che stai cercando|richiesta) non (?:esiste|è stata trovata)",
    r"página não encontrada",
    r"a página que (?:você )?procura não existe",
    r"pagina niet gevonden",
    r"(?:deze|de) pagina (?:bestaat niet|kon niet worden gevonden)",
    # ru, uk, pl, cs, tr, sv
    r"страница не найдена",
    r"(?:запрашиваемая|такой) страниц[аы] (?:не найдена|не существует)",
    r"сторінк[уа] не знайден",
    r"nie znaleziono strony",
    r"strona nie (?:została znaleziona|istnieje)",
    r"stránka (?:nenalezena|nebyla nalezena|neexistuje)",
    r"sayfa bulunamadı",
    r"sidan (?:kunde inte hittas|hittades inte)",
    # zh, ja, ko, ar
    r"页面不存在",
    r"找不到(?:该|此|您要的)?页面",
    r"页面未找到",
    r"页面找不到",
    r"ページが見つかりません",
    r"ページは見つかりませんでした",
    r"페이지를 찾을 수 없습니다",
    r"الصفحة غير موجودة",
    r"لم يتم العثور على الصفحة",
]
_NOT_FOUND_RE = re.compile("|".join(f"(?:{p})" for p in _NOT_FOUND), re.I)
_BARE_404 = re.compile(r"^\W*(?:error\s*)?404\b|\b404\W*$|^\W*(?:\d{3}\s*)?not found\W*$", re.I)

_PARKED_RE = re.compile(
    r"(?:this|the) domain (?:name )?(?:[\w.-]+ )?(?:is|may be) for sale|buy this domain|domain (?:is )?parked|"
    r"parked (?:free|domain)|this domain has been registered|make an offer on this domain|"
    r"sedoparking\.com|parkingcrew\.net|bodis\.com|above\.com/|dan\.com/|afternic\.com|hugedomains\.com|"
    r"domain-for-sale|parklogic|window\.park\s*=",
    re.I,
)
_PARKING_HOSTS = (
    "sedo.com",
    "dan.com",
    "afternic.com",
    "hugedomains.com",
    "bodis.com",
    "parkingcrew.net",
    "undeveloped.com",
)

_CHALLENGE_TITLE = re.compile(
    r"^(?:just a moment\.*|attention required!? \| cloudflare|access denied|checking your browser|ddos-guard|"
    r"pardon our interruption|are you a (?:human|robot)\??|security check|please verify you are a human|"
    r"one more step|request unsuccessful)",
    re.I,
)
_CHALLENGE_BODY = re.compile(
    r"challenge-platform|cf-chl-|cf_chl_|/cdn-cgi/challenge|px-captcha|_incapsula_resource|"
    r"incapsula incident id|ddos-guard|verify you are (?:a )?human|enable javascript and cookies to continue|"
    r"g-recaptcha|h-captcha|hcaptcha\.com|geo\.captcha-delivery\.com",
    re.I,
)
_ARTICLE_WORDS = 350
THRESHOLD = 3


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: str  # "soft-404" | "parked" | "challenge"
    evidence: str


@dataclass(frozen=True, slots=True)
class Page:
    title: str
    h1: str
    main: str
    is_article: bool


def _parse(html: str) -> Page | None:
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title = " ".join(" ".join(root.xpath("//title//text()")).split())
    h1 = " ".join(" ".join(root.xpath("(//h1)[1]//text()")).split())
    mains = root.xpath("//main|//article|//*[@role='main']")
    if mains:
        main = " ".join(" ".join(mains[0].itertext()).split())
    else:
        for drop in root.xpath("//nav|//header|//footer|//aside|//form"):
            drop.drop_tree()
        main = " ".join(" ".join(root.itertext()).split())
    meta = " ".join(
        root.xpath("//meta[@property='og:type']/@content|//meta[@property='article:published_time']/@content")
    )
    return Page(
        title=title[:300], h1=h1[:300], main=main[:20000], is_article="article" in meta.lower() or "-" in meta
    )


def parse_page(html: str) -> Page | None:
    """Title, first heading, main text and article markup of a page (None if unparsable)."""
    return _parse(html)


# Literal words every marker of each kind contains (checked on lower-cased text, which is
# several times cheaper than running the case-insensitive alternations over 20-60 KB).
_PARKED_HINTS = ("domain", "park", "sedo", "bodis", "dan.com", "afternic")
_WALL_HINTS = ("challenge", "cf-chl", "cf_chl", "captcha", "incapsula", "ddos-guard", "verify you are",
               "enable javascript and cookies")  # fmt: skip
_HEADING = re.compile(r"<(title|h1)\b[^>]*>(.{0,3000}?)(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _parked_markers(text: str) -> set[str]:
    """Parking markers; a cheap literal pre-check first, since most pages have none."""
    low = text.lower()
    if not any(hint in low for hint in _PARKED_HINTS):
        return set()
    return {m.group(0).lower() for m in _PARKED_RE.finditer(text)}


def _headings(html: str) -> list[str]:
    """Each ``<title>`` and ``<h1>`` as text, read straight from the markup: a superset of
    what the parsed page gives (scripts and comments included), so it can only say "maybe"."""
    return [" ".join(htmllib.unescape(_TAG.sub(" ", m.group(2))).split()) for m in _HEADING.finditer(html)]


def could_be_a_verdict(html: str) -> bool:
    """False when nothing on the page could make it a soft 404, a parked page or a bot wall.

    A soft 404 needs its title or main heading to say "not found" (the text alone never
    reaches the threshold); walls and parked pages carry their markers in the first 60 KB.
    Most pages are none of these, and this scan costs a fraction of parsing them.
    """
    head = html[:60000].lower()
    if any(hint in head for hint in _WALL_HINTS) or any(hint in head[:20000] for hint in _PARKED_HINTS):
        return True
    for text in _headings(html):
        if _NOT_FOUND_RE.search(text) or _BARE_404.search(text) or _CHALLENGE_TITLE.search(text):
            return True
        if any(hint in text.lower() for hint in _PARKED_HINTS):
            return True
    return False


def soft404_score(page: Page) -> tuple[int, list[str]]:
    """Points for each place that says not-found; points against for article evidence."""
    score, why = 0, []
    for label, text, points in (("title", page.title, 2), ("h1", page.h1, 2)):
        m = _NOT_FOUND_RE.search(text) or _BARE_404.search(text)
        if m:
            score += points
            why.append(f"{label} says {m.group(0).strip()!r}")
    if score + 1 < THRESHOLD:  # the text adds one point at most: no need to search it
        return score, why
    body = page.main.replace(page.h1, " ", 1) if page.h1 else page.main
    hit = _NOT_FOUND_RE.search(body[:3000])
    if hit:
        score += 1
        why.append(f"text says {hit.group(0).lower()!r}")
    words = len(page.main.split())
    if words >= _ARTICLE_WORDS:
        score -= 2
        why.append(f"but main text has {words} words")
    if page.is_article:
        score -= 1
        why.append("but marked up as an article")
    return score, why


def judge(html: str) -> Verdict | None:
    """What the page really is, when it is not the content it claims to be."""
    if not could_be_a_verdict(html):
        return None
    page = _parse(html)
    head = html[:60000]
    short = page is None or len(page.main.split()) < 80  # walls are short; articles are not
    if page is not None and _CHALLENGE_TITLE.search(page.title) and (short or _CHALLENGE_BODY.search(head)):
        return Verdict("challenge", f"challenge page titled {page.title!r}")
    m = _CHALLENGE_BODY.search(head) if short else None
    if m:
        return Verdict("challenge", f"bot wall marker {m.group(0)!r}")
    if page is None:
        return None
    parked = _parked_markers(f"{page.title} {page.h1} {head[:20000]}")
    if parked and (len(parked) >= 2 or _PARKED_RE.search(f"{page.title} {page.h1}")):
        return Verdict("parked", "parked/for-sale page: " + ", ".join(sorted(parked)[:3]))
    score, why = soft404_score(page)
    if score >= THRESHOLD:
        return Verdict("soft-404", f"page says not found (score {score}: {'; '.join(why)})")
    return None


def is_parking_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _PARKING_HOSTS)


def challenge_header(headers: dict[str, str]) -> bool:
    return headers.get("cf-mitigated", "").lower() == "challenge"
