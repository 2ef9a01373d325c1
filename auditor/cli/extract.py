"""``auditor extract``: one article's JSON, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from auditor.cli.app import command
from auditor.cli.options import (
    ArticleLinks,
    ArticleMb,
    ArticleSeconds,
    MaxBytes,
    base_url_option,
    regular_file,
)
from auditor.load import DEFAULT_MAX_BYTES
from auditor.models import Budget


@command()
def extract(
    path: Annotated[
        Path, typer.Argument(help="An article file: HTML, Markdown or plain text.", readable=False)
    ],
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            callback=base_url_option,
            help="The page's URL, to resolve relative links.",
        ),
    ] = None,
    domains: Annotated[
        Path | None,
        typer.Option(
            "--domains", metavar="CSV", help="A CSV extending or overriding the domain table.", readable=False
        ),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    article_seconds: ArticleSeconds = 20.0,
    article_mb: ArticleMb = 512,
    article_links: ArticleLinks = 50_000,
    pretty: Annotated[bool, typer.Option("--pretty/--compact", help="Indent the JSON.")] = True,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (what it prints without --text).", show_default=False)
    ] = False,
    as_text: Annotated[
        bool, typer.Option("--text", help="Print the article's body text instead: what the author wrote.")
    ] = False,
) -> None:
    """Parse and extract one article (no network) and print its JSON object, or its text."""
    from auditor.classify.domains import DomainTable
    from auditor.cli.jsonout import article_json
    from auditor.pipeline import extract_path

    if as_json and as_text:
        raise typer.BadParameter("--json and --text contradict each other; give one")
    if domains is not None:
        regular_file(domains, "domain table")
    table = DomainTable.load(domains) if domains else None
    budget = Budget(seconds=article_seconds, memory_mb=article_mb, links=article_links)
    article = extract_path(path, base_url=base_url, table=table, max_bytes=max_bytes, budget=budget)
    if as_text:
        typer.echo(article.text.replace("\n", "\n\n"))  # a blank line between paragraphs
        return
    typer.echo(json.dumps(article_json(article), ensure_ascii=False, indent=2 if pretty else None))
