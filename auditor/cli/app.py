"""The typer application every command module registers on, and its root options."""

from __future__ import annotations

from typing import Annotated

import typer

from auditor import __version__

app = typer.Typer(
    name="auditor",
    help="Audit where an article comes from and what it stands on: links, sources, cross-posts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit where an article comes from and what it stands on: links, sources, cross-posts."""
