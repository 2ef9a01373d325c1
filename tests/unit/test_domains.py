"""Domain categories, rules, the user CSV and outlet names (``auditor.classify.domains``)."""

from __future__ import annotations

import csv
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from auditor.classify.domains import DomainTable, default_table
from auditor.classify.registrable import domain_of
from auditor.errors import InputError
from auditor.models import Category

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "classify"
DATA = Path(__file__).resolve().parents[2] / "auditor" / "classify" / "data"


@pytest.fixture(scope="module")
def table() -> DomainTable:
    return default_table()


def _rows(name: str) -> list[dict[str, str]]:
    lines = [ln for ln in (DATA / name).read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(lines))


# --------------------------------------------------------------------------- the table itself


def test_bundled_rows_are_valid_and_documented() -> None:
    rows = _rows("domains.csv")
    assert len(rows) >= 500
    domains = [r["domain"] for r in rows]
    assert len(domains) == len(set(domains)), "a domain is listed twice"
    for row in rows:
        Category(row["category"])  # raises on a typo
        assert row["source"], f"{row['domain']} has no source"
        if row["category"] == "state-media":
            assert row["source"].startswith("https://"), row["domain"]


def test_state_media_carry_their_state(table: DomainTable) -> None:
    expected = {
        "rt.com": "Russia", "sputniknews.com": "Russia", "tass.com": "Russia", "ria.ru": "Russia",
        "cgtn.com": "China", "xinhuanet.com": "China", "globaltimes.cn": "China",
        "people.com.cn": "China", "chinadaily.com.cn": "China", "cctv.com": "China",
        "presstv.ir": "Iran", "irna.ir": "Iran", "kcna.kp": "North Korea",
        "telesurtv.net": "Venezuela", "aa.com.tr": "Turkey",
    }  # fmt: skip
    for domain, state in expected.items():
        info = table.info(domain)
        assert info is not None and info.category is Category.STATE_MEDIA, domain
        assert info.state == state, domain
    assert table.categorise("almayadeen.net") is Category.STATE_MEDIA


def test_independent_public_broadcasters_are_not_state_media(table: DomainTable) -> None:
    for domain in (
        "bbc.co.uk",
        "bbc.com",
        "npr.org",
        "pbs.org",
        "cbc.ca",
        "abc.net.au",
        "dw.com",
        "france24.com",
    ):
        assert table.categorise(domain) is Category.NEWS, domain
    assert table.categorise("afp.com") is Category.WIRE
    assert table.categorise("reuters.com") is Category.WIRE


@pytest.mark.parametrize(
    ("domain", "category"),
    [
        ("un.org", Category.INTERGOVERNMENTAL),
        ("twitter.com", Category.SOCIAL),
        ("t.me", Category.SOCIAL),
        ("youtu.be", Category.VIDEO),
        ("substack.com", Category.BLOG_PLATFORM),
        ("web.archive.org", Category.ARCHIVE),
        ("archive.ph", Category.ARCHIVE),
        ("bit.ly", Category.SHORTENER),
        ("snopes.com", Category.FACT_CHECK),
        ("prnewswire.com", Category.PRESS_RELEASE),
        ("wikipedia.org", Category.REFERENCE),
        ("cfr.org", Category.THINK_TANK),
        ("valdaiclub.com", Category.THINK_TANK),
        ("globalresearch.ca", Category.NEWS),
        ("indianpunchline.com", Category.NEWS),
        ("whitehouse.gov", Category.GOVERNMENT),
        ("state.gov", Category.GOVERNMENT),
    ],
)
def test_table_categories(table: DomainTable, domain: str, category: Category) -> None:
    assert table.categorise(domain) is category


# --------------------------------------------------------------------------- rules and walk


@pytest.mark.parametrize(
    ("host", "category", "source"),
    [
        ("nasa.gov", Category.GOVERNMENT, "rule: .gov"),
        ("army.mil", Category.GOVERNMENT, "rule: .mil"),
        ("www.gov.pl", Category.GOVERNMENT, "rule: gov.pl"),
        ("sre.gob.mx", Category.GOVERNMENT, "rule: gob.mx"),
        ("diplomatie.gouv.fr", Category.GOVERNMENT, "rule: gouv.fr"),
        ("mofa.go.jp", Category.GOVERNMENT, "rule: go.jp"),
        ("stanford.edu", Category.ACADEMIC, "rule: .edu"),
        ("www.ox.ac.uk", Category.ACADEMIC, "rule: ac.uk"),
        ("unimelb.edu.au", Category.ACADEMIC, "rule: edu.au"),
        ("wmo.int", Category.INTERGOVERNMENTAL, "rule: .int"),
    ],
)
def test_rules(table: DomainTable, host: str, category: Category, source: str) -> None:
    info = table.info(host)
    assert info is not None
    assert (info.category, info.source) == (category, source)


def test_rules_need_a_country_code(table: DomainTable) -> None:
    assert table.info("go.com") is None  # not go.xx
    assert table.info("acme.ac") is None


def test_table_row_beats_rule(table: DomainTable) -> None:
    info = table.info("www.brookings.edu")
    assert info is not None and info.category is Category.THINK_TANK and info.source == "curated"


def test_subdomain_inherits_and_host_row_wins(table: DomainTable) -> None:
    assert table.categorise("russian.rt.com") is Category.STATE_MEDIA
    assert table.categorise("https://english.news.cn/20211119/abc.html") is Category.STATE_MEDIA
    assert table.categorise("someone.blogspot.com") is Category.BLOG_PLATFORM
    assert table.categorise("factcheck.afp.com") is Category.FACT_CHECK  # host row over afp.com
    assert table.categorise("foo.factcheck.afp.com") is Category.FACT_CHECK


def test_unknown_and_empty(table: DomainTable) -> None:
    assert table.info("no-such-outlet.example") is None
    assert table.categorise("no-such-outlet.example") is None
    assert table.info(None) is None and table.info("") is None


def test_self(table: DomainTable) -> None:
    assert table.categorise("www.globalresearch.ca", self_domain="globalresearch.ca") is Category.SELF
    assert table.categorise("https://www.rt.com/news/1/", self_domain="https://rt.com/") is Category.SELF
    assert table.categorise("rt.com", self_domain="globalresearch.ca") is Category.STATE_MEDIA
    # Two blogs on one platform are two sites.
    assert table.categorise("a.blogspot.com", self_domain="b.blogspot.com") is Category.BLOG_PLATFORM


def test_perennial_fallback_records_reliability(table: DomainTable) -> None:
    info = table.info("nymag.com")  # in the Wikipedia list, not in the curated table
    assert info is not None and info.category is Category.NEWS
    assert info.source.startswith("Wikipedia perennial sources (Generally reliable)")
    discogs = table.info("www.discogs.com")  # listed, but user-generated: not news
    assert discogs is not None and discogs.category is Category.OTHER
    assert table.reliability("www.rt.com") == "Deprecated"
    assert table.reliability("no-such-outlet.example") is None


def test_perennial_file_keeps_licence_and_valid_domains() -> None:
    text = (DATA / "perennial-sources.csv").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in text.split("domain,", 1)[0]
    rows = _rows("perennial-sources.csv")
    domains = {r["domain"] for r in rows}
    assert "rt.com" in domains and "tass.com" in domains
    # Catalogue links and deep pages of other sites in the source's urls field are dropped.
    assert not domains & {
        "wikidata.org",
        "wikipedia.org",
        "loc.gov",
        "scopus.com",
        "qc.ca",
        "sceptiques.qc.ca",
    }
    assert all("/" not in d and "." in d for d in domains)


# --------------------------------------------------------------------------- user CSV


def test_user_csv_extends_and_overrides() -> None:
    table = DomainTable.load(FIXTURES / "user-domains.csv")
    info = table.info("news.examplewire.test")
    assert info is not None and info.category is Category.WIRE and info.source == "https://example.test/about"
    assert table.categorise("rt.com") is Category.NEWS
    assert table.outlet("The Example Wire") == info
    assert default_table().categorise("rt.com") is Category.STATE_MEDIA  # bundled table untouched


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-category.csv", "row 2: unknown category 'tabloid-ish'"),
        ("bad-domain.csv", "row 1: 'not a domain' is not a domain name"),
        ("self-category.csv", "row 1: unknown category 'self'"),
        ("no-header.csv", "needs a header"),
        ("not-utf8.csv", "not UTF-8"),
        ("missing.csv", "not found"),
    ],
)
def test_malformed_user_csv_is_an_input_error(name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        DomainTable.load(FIXTURES / name)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- outlet names


@pytest.mark.parametrize(
    ("name", "domain", "characterisation"),
    [
        ("Kremlin-funded RT", "rt.com", "Kremlin-funded"),
        ("Tass", "tass.com", None),
        ("TASS", "tass.com", None),
        ("Indian Punchline", "indianpunchline.com", None),
        ("the Guardian", "theguardian.com", None),
        ("The Guardian", "theguardian.com", None),
        ("Reuters'", "reuters.com", None),
        ("RT’s", "rt.com", None),
        ("state-run Xinhua", "xinhuanet.com", "state-run"),
        ("Chinese state media CGTN", "cgtn.com", "Chinese state media"),
        ("China's state-owned Global Times", "globaltimes.cn", "China's state-owned"),
        ("Global Research", "globalresearch.ca", None),
        ("Centre for Research on Globalization", "globalresearch.ca", None),
        ("Institute for China-America Studies", "chinaus-icas.org", None),
        ("the US State Department", "state.gov", None),
        ("White House", "whitehouse.gov", None),
        ("WHO", "who.int", None),
        ("Agence France-Presse", "afp.com", None),
        ("Quillette", "quillette.com", None),  # from the perennial list only
    ],
)
def test_outlet_names(table: DomainTable, name: str, domain: str, characterisation: str | None) -> None:
    found = table.characterised_outlet(name)
    assert found is not None, name
    assert (found[0].domain, found[1]) == (domain, characterisation)
    assert table.outlet(name) == found[0]


def test_kremlin_funded_rt_is_russian_state_media(table: DomainTable) -> None:
    info = table.outlet("Kremlin-funded RT")
    assert info is not None
    assert (info.domain, info.category, info.state) == ("rt.com", Category.STATE_MEDIA, "Russia")


@pytest.mark.parametrize(
    "name",
    [
        "Taiwan", "President", "Monday", "People", "Time", "Guardian", "New York", "Who",
        "Joe Biden", "President Vladimir Putin", "Glenn Diesen", "Sourabh Gupta",
        "Biden Administration", "Black Sea", "Capitol Hill", "state", "the guardian",
        "Kremlin-funded", "", "RT RT RT " * 40,
    ],
)  # fmt: skip
def test_common_words_and_people_are_not_outlets(table: DomainTable, name: str) -> None:
    assert table.outlet(name) is None


def test_characterisation_must_come_before_the_name(table: DomainTable) -> None:
    assert table.outlet("Professor Glenn Diesen RT") is None  # not a characterisation
    assert table.outlet("RT Kremlin") is None


def test_outlet_lookup_is_fast(table: DomainTable) -> None:
    phrases = ["Kremlin-funded RT", "Biden Administration", "Vladimir Putin", "the Guardian"] * 2500
    start = time.process_time()
    for phrase in phrases:
        table.outlet(phrase)
    assert time.process_time() - start < 1.0  # ~5 µs each on the reference machine


# --------------------------------------------------------------------------- offline


def test_loading_and_classifying_never_touch_the_network() -> None:
    """Run in a fresh interpreter whose sockets raise, so tldextract's first use is covered."""
    script = textwrap.dedent(
        """
        import socket

        def refuse(*args, **kwargs):
            raise RuntimeError("network access attempted")

        socket.socket.connect = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse

        from auditor.classify.domains import DomainTable
        from auditor.classify.registrable import registrable_domain

        table = DomainTable.load()
        assert registrable_domain("news.bbc.co.uk") == "bbc.co.uk"
        assert table.categorise("https://www.rt.com/news/1/") == "state-media"
        assert table.categorise("x.gov.uk", self_domain="rt.com") == "government"
        assert table.outlet("Kremlin-funded RT").domain == "rt.com"
        print("offline ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "offline ok" in done.stdout


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("alice.substack.com", "alice.substack.com"),
        ("https://bob.wordpress.com/2024/05/note/", "bob.wordpress.com"),
        ("carol.tumblr.com", "carol.tumblr.com"),
        ("dave.ghost.io", "dave.ghost.io"),
        ("erin.beehiiv.com", "erin.beehiiv.com"),
        ("frank.typepad.com", "frank.typepad.com"),
        ("gina.livejournal.com", "gina.livejournal.com"),
        ("hugo.medium.com", "hugo.medium.com"),
        ("ines.github.io", "ines.github.io"),
        ("substack.com", "substack.com"),
        ("www.substack.com", "substack.com"),
        ("www.medium.com", "medium.com"),
        ("news.bbc.co.uk", "bbc.co.uk"),
    ],
)
def test_hosted_newsletter_subdomains_are_their_own_sites(host: str, expected: str) -> None:
    assert domain_of(host if "://" in host else f"https://{host}/") == expected


def test_authors_on_one_newsletter_platform_are_not_self(table: DomainTable) -> None:
    assert table.categorise("alice.substack.com") is Category.BLOG_PLATFORM
    assert table.categorise("erin.beehiiv.com") is Category.BLOG_PLATFORM
    assert table.categorise("bob.substack.com", self_domain="alice.substack.com") is Category.BLOG_PLATFORM
    assert (
        table.categorise("https://bob.wordpress.com/x", self_domain="alice.wordpress.com")
        is Category.BLOG_PLATFORM
    )
    assert (
        table.categorise("https://alice.substack.com/p/2", self_domain="https://alice.substack.com/p/1")
        is Category.SELF
    )


def test_host_without_a_public_suffix_is_its_own_site() -> None:
    from auditor.classify.registrable import registrable_domain

    assert registrable_domain("tass.example") == "tass.example"
    assert registrable_domain("news.example") != registrable_domain("tass.example")
    assert registrable_domain("localhost") == "localhost"
