"""``auditor export``: the database as CSV (links, sources, chains) for spreadsheets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from auditor.cli.app import command
from auditor.cli.options import Db, Quiet, Verbose, verbosity
from auditor.errors import AuditorError

TABLES = ("links", "sources", "chains")


@command()
def export(
    tables: Annotated[
        list[str] | None,
        typer.Argument(
            help="What to export: links, sources, chains (default: all three).", show_default=False
        ),
    ] = None,
    db: Db = Path("reports/audit.db"),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FOLDER",
            readable=False,
            help="Folder for TABLE.csv (default: the database's folder); '-' writes one table to stdout.",
        ),
    ] = None,
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Write the database as CSV: one row per link, per cited source and per cross-post step."""
    from auditor.cli.csvout import write_file, write_stdout
    from auditor.outputs import prepare_dir
    from auditor.store import Store

    level = verbosity(quiet, verbose)
    wanted = list(dict.fromkeys(tables or TABLES))
    unknown = [t for t in wanted if t not in TABLES]
    if unknown:
        raise typer.BadParameter(f"unknown table {unknown[0]!r}; use links, sources or chains")
    if str(out) == "-" and len(wanted) != 1:
        raise typer.BadParameter("--out - writes one table to stdout: name it (links, sources or chains)")
    if not db.is_file():
        raise AuditorError(f"{db}: no such database (run `auditor audit` or `auditor batch` first)")
    store = Store.open(db, read_only=True)  # exporting never writes the database
    try:
        if str(out) == "-":
            write_stdout(store.export_columns(wanted[0]), store.export_rows(wanted[0]))
            return
        folder = prepare_dir(out or db.parent)
        for table in wanted:
            path = folder / f"{table}.csv"
            count = write_file(store.export_columns(table), store.export_rows(table), path)
            if level >= 0:
                typer.echo(f"{path}: {count} row{'s' if count != 1 else ''}")
    finally:
        store.close()
