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
from functools import lru_cache

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
    r"(?:can't|cannot|can not|couldn't|could not) seem to find",
    r"(?:couldn't|could not|can't|cannot|didn't|did not) find (?:the |that |this |what )?(?:page|content|article|story)",
    r"(?:this|that|the) (?:page|link|content) (?:isn't|is not|is no longer) available",
    r"(?:this|that|the) page could not be found",
    r"(?:page|content|article) (?:has been|was) (?:removed|deleted|taken down)",
    r"the link you (?:followed|clicked) (?:may be|is|was|might be) (?:broken|outdated|incorrect)",
    r"looks like (?:you(?:'re| are) lost|this page|the page|nothing was found)",
    r"(?:nothing|no results) (?:was |were )?found (?:here|at this address)",
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
    r"(?:cette|la) page n'existe (?:pas|plus)",
    r"diese seite (?:gibt es nicht|existiert nicht|wurde nicht gefunden)",
    r"no hemos (?:podido )?encontrado (?:la|esta) página",
    r"la página (?:solicitada|que (?:buscas|busca|estás buscando)) no (?:existe|está disponible)",
    r"página não (?:foi )?encontrada",
    r"la pagina (?:non esiste|non è disponibile)",
    # hu, ro, el, id/ms, vi, da, no, fi, sk, bg, hr/sr/bs
    r"(?:az|a keresett) oldal nem (?:található|létezik)",
    r"pagina (?:nu a fost găsită|nu există|căutată nu există)",
    r"η σελίδα (?:δεν βρέθηκε|δεν υπάρχει)",
    r"halaman (?:tidak (?:ditemukan|dijumpai|ada)|yang (?:anda|kamu) cari tidak)",
    r"không tìm thấy trang",
    r"siden (?:blev ikke fundet|findes ikke|kunne ikke findes|finnes ikke|ble ikke funnet)",
    r"sivua ei (?:löytynyt|löydy)",
    r"stránka (?:sa nenašla|nebola nájdená)",
    r"страницата не (?:е намерена|съществува)",
    r"stranica (?:nije pronađena|ne postoji)",
    r"страница (?:није пронађена|не постоји)",
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
    r"(?:网页|網頁|頁面)(?:不存在|未找到|找不到)",
    r"找不到(?:该|此|您要的|網頁|网页|頁面)",
    r"お探しのページ(?:は|が)(?:見つかりません|存在しません)",
    r"ページが見つかりません",
    r"ページは見つかりませんでした",
    r"페이지를 찾을 수 없습니다",
    r"الصفحة غير موجودة",
    r"لم يتم العثور على الصفحة",
    # he, fa, hi, th
    r"(?:הדף|העמוד) (?:לא נמצא|אינו קיים)",
    r"صفحه(?: مورد نظر)? (?:یافت نشد|پیدا نشد|وجود ندارد)",
    r"(?:पृष्ठ|पेज) नहीं मिला",
    r"ไม่พบหน้า",
]
# Searched in lower-cased text, without re.I: the patterns are lower case, and the
# case-insensitive alternation costs about twice as much on every heading of every page.
_NOT_FOUND_RE = re.compile("|".join(f"(?:{p})" for p in _NOT_FOUND))


def says_not_found(text: str) -> str | None:
    """The not-found phrase ``text`` contains, as written there, or None."""
    low = text.lower()
    m = _NOT_FOUND_RE.search(low)
    if m is None:
        return None
    return text[m.start() : m.end()] if len(low) == len(text) else m.group(0)


# An interjection a not-found page opens with; weak alone ("Oops! Something went wrong").
_OOPS = re.compile(
    r"^\W*(?:oops|whoops|uh[- ]oh|hoppla|huch|oups|oeps|ups|upps|vaya|ops|ой|упс|哎呀|糟糕|おっと)\b", re.I
)
# What a page's own markup says of it: the body class WordPress and other CMSs give their
# not-found template, the status a prerenderer is told to send, the error route of a
# script-rendered site (Next.js, Nuxt, Gatsby), a page type in analytics data, a canonical
# link to the site's 404 page. A script shell with no text at all still carries these.
_BODY_CLASS = re.compile(
    r"\sclass\s*=\s*[\"'][^\"']*\b(?:error404|error-404|page-404|page-not-found|not-found-page|template-404)\b",
    re.I,
)
_MARKERS = (  # (literal hint in lower case, what must match around it)
    ("status-code", re.compile(r"<meta[^>]+name\s*=\s*[\"'](?:prerender-status-code|render:status_code)[\"'][^>]*content\s*=\s*[\"']40[14]", re.I)),
    ('"page"', re.compile(r"\"page\"\s*:\s*\"/(?:404|_error)\"")),
    ("statuscode", re.compile(r"\"statusCode\"\s*:\s*404\b|\berror\s*:\s*\{\s*statusCode\s*:\s*404", re.I)),
    ("component---src-pages-404", re.compile(r"component---src-pages-404")),
    ("pagetype", re.compile(r"[\"']?page_?type[\"']?\s*[:=]\s*[\"'](?:404|error ?404|not[-_ ]?found|error[-_ ]?page)[\"']", re.I)),
    ("page_type", re.compile(r"[\"']?page_type[\"']?\s*[:=]\s*[\"'](?:404|error ?404|not[-_ ]?found|error[-_ ]?page)[\"']", re.I)),
    ("status_code", re.compile(r"<meta[^>]+name\s*=\s*[\"']render:status_code[\"'][^>]*content\s*=\s*[\"']40[14]", re.I)),
    ("canonical", re.compile(r"<link[^>]+rel\s*=\s*[\"']canonical[\"'][^>]*href\s*=\s*[\"'][^\"']*/(?:404|not-found)(?:\.html?)?/?[\"']", re.I)),
)  # fmt: skip
_BARE_404 = re.compile(r"^\W*(?:error\s*)?404\b|\b404\W*$|^\W*(?:\d{3}\s*)?not found\W*$", re.I)

_PARKED_RE = re.compile(
    r"(?:this|the) domain (?:name )?(?:[\w.-]+ )?(?:is|may be) for sale|buy this domain|domain (?:is )?parked|"
    r"parked (?:free|domain)|this domain has been registered|make an offer on this domain|"
    r"sedoparking\.com|parkingcrew\.net|bodis\.com|above\.com/|dan\.com/|afternic\.com|hugedomains\.com|"
    r"domain-for-sale|parklogic|window\.park\s*=",
)  # searched in lower-cased text (see _NOT_FOUND_RE)
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
    subheads: tuple[str, ...] = ()  # the first few h2/h3: a page titled only by its brand says it there


@lru_cache(maxsize=16)
def _parse(html: str) -> Page | None:
    """Cached for the few pages in flight: a page is read here for its verdict and again for
    its comparison with the site's answer to a random path (``check/probe.py``)."""
    try:
        root = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title = " ".join(" ".join(root.xpath("//title//text()")).split())
    h1 = " ".join(" ".join(root.xpath("(//h1)[1]//text()")).split())
    subheads = tuple(
        " ".join(h.text_content().split())[:300] for h in root.xpath("(//h2|//h3)[position() <= 3]")
    )
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
        title=title[:300], h1=h1[:300], main=main[:20000], is_article="article" in meta.lower() or "-" in meta,
        subheads=subheads,
    )  # fmt: skip


def parse_page(html: str) -> Page | None:
    """Title, first heading, main text and article markup of a page (None if unparsable)."""
    return _parse(html)


# Literal words every marker of each kind contains (checked on lower-cased text, which is
# several times cheaper than running the case-insensitive alternations over 20-60 KB).
_PARKED_HINTS = (
    "domain",
    "parked",
    "parkingcrew",
    "parklogic",
    "window.park",
    "sedo",
    "bodis",
    "dan.com",
    "afternic",
    "above.com",
)  # fmt: skip  (not "park": articles are full of parks and parking)
_WALL_HINTS = ("challenge", "cf-chl", "cf_chl", "captcha", "incapsula", "ddos-guard", "verify you are",
               "enable javascript and cookies")  # fmt: skip
_HEADING = re.compile(r"<(title|h[123])\b[^>]*>(.{0,3000}?)(?:</\1\s*>|$)", re.I | re.S)
_TAG = re.compile(r"<[^>]*>")


def _parked_markers(text: str) -> set[str]:
    """Parking markers; a cheap literal pre-check first, since most pages have none."""
    low = text.lower()
    if not any(hint in low for hint in _PARKED_HINTS):
        return set()
    return {m.group(0) for m in _PARKED_RE.finditer(low)}


_SHELL = 30_000  # a page this short is read whole for markers: a script shell is this small


def marker(html: str, low: str | None = None) -> str | None:
    """What the page's own markup says when it marks itself as an error page, or None.

    Read where such marks are: the head (its meta, links and analytics), the body tag, and
    all of a page short enough to be a script shell; ``low`` is ``html`` lower-cased, or its
    start, if the caller has it. Each marker is looked for only around its literal hint.
    """
    low = html[: _SHELL * 4].lower() if low is None else low
    end = len(html) if len(html) <= _SHELL else min(len(low), max(low.find("</head>"), 0) or _SHELL)
    start = low.find("<body", 0, max(end, _SHELL * 4))
    if start >= 0:
        tag = html[start : low.find(">", start, start + 4000) + 1 or start + 2000]
        found = _BODY_CLASS.search(tag)
        if found:
            return f"body class {found.group(0).split('=', 1)[1].strip()[:60]}"
    for hint, pattern in _MARKERS:
        at = low.find(hint, 0, end)
        for _ in range(20):  # a hint on every line of a page is not worth more looks
            if at < 0:
                break
            m = pattern.search(html, max(0, at - 300), at + 300)
            if m:
                return " ".join(m.group(0).split())[:80]
            at = low.find(hint, at + len(hint), end)
    return None


def _headings(html: str) -> list[str]:
    """Each ``<title>``, ``<h1>``, ``<h2>`` and ``<h3>`` as text, read straight from the markup:
    a superset of what the parsed page gives (scripts and comments included), so it can only
    say "maybe"."""
    found, subheads, h1 = [], 0, False
    for m in _HEADING.finditer(html):
        tag = m.group(1).lower()
        h1 = h1 or tag == "h1"
        if tag in ("h2", "h3"):
            subheads += 1
            if subheads > 3:  # as the parser reads them: the first three
                if h1:
                    break
                continue
        found.append(" ".join(htmllib.unescape(_TAG.sub(" ", m.group(2))).split()))
    return found


def could_be_a_verdict(html: str) -> bool:
    """False when nothing on the page could make it a soft 404, a parked page or a bot wall.

    A soft 404 needs its title or main heading to say "not found" (the text alone never
    reaches the threshold); walls and parked pages carry their markers in the first 60 KB.
    Most pages are none of these, and this scan costs a fraction of parsing them.
    """
    low = html[: _SHELL * 4].lower()
    head = low[:60000]
    if any(hint in head for hint in _WALL_HINTS) or any(hint in head[:20000] for hint in _PARKED_HINTS):
        return True
    for text in _headings(html):
        if says_not_found(text) or _BARE_404.search(text) or _CHALLENGE_TITLE.search(text):
            return True
        if _OOPS.search(text) or any(hint in text.lower() for hint in _PARKED_HINTS):
            return True
    return marker(html, low) is not None


def _heading_points(page: Page) -> tuple[int, list[str]]:
    """Two points each for the title and the main heading saying not-found; a page titled only
    by its brand may say it in its first subheading instead (two points, once)."""
    score, why = 0, []
    for label, text in (("title", page.title), ("h1", page.h1)):
        bare = _BARE_404.search(text)
        said = says_not_found(text) or (bare.group(0) if bare else None)
        if said:
            score += 2
            why.append(f"{label} says {said.strip()!r}")
    if not why:
        said = next((x for x in map(says_not_found, page.subheads) if x), None)
        if said:
            score += 2
            why.append(f"heading says {said.strip()!r}")
    oops = next((t for t in (page.title, page.h1, *page.subheads) if _OOPS.search(t)), None)
    if oops is not None:
        score += 1
        why.append(f"opens with {_OOPS.search(oops).group(0).strip()!r}")  # type: ignore[union-attr]
    return score, why


def soft404_score(page: Page) -> tuple[int, list[str]]:
    """Points for each place that says not-found; points against for article evidence."""
    score, why = _heading_points(page)
    if score + 2 < THRESHOLD:  # the text adds two points at most: no need to search it
        return score, why
    body = page.main.replace(page.h1, " ", 1) if page.h1 else page.main
    hit = says_not_found(body[:3000])
    words = len(page.main.split())
    if hit:
        score += 1
        why.append(f"text says {hit.lower()!r}")
        if words < 80 and score > 1:  # and says little else, where something else also did
            score += 1
            why.append(f"in {words} words")
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
    if parked and (len(parked) >= 2 or _PARKED_RE.search(f"{page.title} {page.h1}".lower())):
        return Verdict("parked", "parked/for-sale page: " + ", ".join(sorted(parked)[:3]))
    marked = marker(html)
    if marked and len(page.main.split()) < _ARTICLE_WORDS:
        return Verdict("soft-404", f"the page's markup marks it as an error page ({marked})")
    score, why = soft404_score(page)
    if score >= THRESHOLD:
        return Verdict("soft-404", f"page says not found (score {score}: {'; '.join(why)})")
    return None


def is_parking_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _PARKING_HOSTS)


def challenge_header(headers: dict[str, str]) -> bool:
    return headers.get("cf-mitigated", "").lower() == "challenge"
