"""A generated corpus of realistic news pages: heavy navigation, hundreds of links, 50-300 KB.

Generated, never copied: the structure (mega menus, breadcrumbs, share bars, related lists,
sidebars, long footers, inline links, quotes, footnotes) is what real CMS pages carry.
"""

from __future__ import annotations

import random

_WORDS = [
    "the",
    "minister",
    "said",
    "talks",
    "would",
    "resume",
    "after",
    "the",
    "port",
    "authority",
    "warned",
    "that",
    "shipping",
    "lanes",
    "remained",
    "closed",
    "while",
    "analysts",
    "argued",
    "the",
    "dispute",
    "could",
    "spread",
    "across",
    "the",
    "region",
    "and",
    "officials",
    "in",
    "Brussels",
    "urged",
    "restraint",
    "as",
    "prices",
    "rose",
    "for",
    "a",
    "third",
    "week",
    "running",
]
_PEOPLE = ["Anna Berg", "Tomas Ruiz", "Prof. Helen Ode", "Admiral Kai Moss", "Dr. Lena Marsh", "Jake Ward"]
_OUTLETS = [("Reuters", "reuters.com"), ("Tass", "tass.com"), ("RT", "rt.com"), ("the BBC", "bbc.co.uk")]


def _sentence(rng: random.Random, n: int = 18) -> str:
    words = [rng.choice(_WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def _nav(rng: random.Random, site: str, n: int) -> str:
    items = "".join(
        f'<li><a href="https://{site}/section/{i}/{rng.randrange(999)}">Section {i}</a></li>'
        for i in range(n)
    )
    return f'<nav class="mega-menu"><ul>{items}</ul></nav>'


def page(seed: int, target_kb: int = 120) -> str:
    """One page of roughly ``target_kb`` kilobytes."""
    rng = random.Random(seed)
    site = f"news{seed % 17}.example-outlet.com"
    parts = [
        f"<!doctype html><html lang=en><head><title>Story {seed} | Outlet {seed % 17}</title>",
        f'<link rel=canonical href="https://{site}/2024/story-{seed}"><meta property="og:site_name" content="Outlet {seed % 17}">',
        "<style>" + "body{margin:0}" * 200 + "</style>",
        "<script>" + "var x=1;" * 400 + "</script></head><body>",
        f'<header class="site-header">{_nav(rng, site, 120)}</header>',
        f'<div class="breadcrumbs"><a href="https://{site}/">Home</a> <a href="https://{site}/world">World</a></div>',
        '<main><article><header><h1>Story headline</h1><p class="byline">By <a href="/author/x">Anna Berg</a></p></header>',
        '<div class="share">'
        + "".join(f'<a href="https://social{i}.example/share?u={seed}">S{i}</a>' for i in range(8))
        + "</div>",
        '<div class="article-body">',
    ]
    # A news article's text is 800-2,500 words; the rest of a 50-300 KB page is chrome and script.
    body_words, words_wanted = 0, rng.randrange(800, 2500)
    i = 0
    while body_words < words_wanted:
        person = rng.choice(_PEOPLE)
        outlet, domain = rng.choice(_OUTLETS)
        para = (
            f'<p>{_sentence(rng)} {person} told <a href="https://www.{domain}/news/{seed}-{i}">{outlet}</a> '
            f'that "{_sentence(rng, 10)}" {_sentence(rng)} <a href="https://source{i % 40}.example.org/doc/{i}">source</a>.</p>'
        )
        parts.append(para)
        body_words += para.count(" ")
        i += 1
    parts.append("<blockquote><p>" + _sentence(rng, 30) + "</p></blockquote></div>")
    parts.append(
        '<section class="related"><h3>Related</h3><ul>'
        + "".join(f'<li><a href="https://{site}/rel/{j}">Related {j}</a></li>' for j in range(20))
        + "</ul></section>"
    )
    parts.append("</article></main>")
    parts.append('<aside class="sidebar">')
    for filler in range(60):
        parts.append(
            f'<div class="widget"><h3>Most read</h3><a href="https://{site}/popular/{filler}">{_sentence(rng, 8)}</a></div>'
        )
    parts.append("</aside>")
    size = sum(len(p) for p in parts)
    if size < target_kb * 1024:  # analytics, ads and hydration JSON make up the rest
        parts.append(
            "<script>window.__STATE__=" + '{"k":"v"},' * ((target_kb * 1024 - size) // 10) + "</script>"
        )
    parts.append(
        '<footer class="site-footer">'
        + "".join(f'<a href="https://{site}/footer/{k}">Footer link {k}</a> ' for k in range(80))
        + "</footer></body></html>"
    )
    return "".join(parts)


def corpus(n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [page(seed * 10_000 + k, target_kb=rng.randrange(50, 300)) for k in range(n)]
