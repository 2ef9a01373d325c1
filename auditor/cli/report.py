"""``auditor report``: re-render reports and the index from the database."""

from __future__ import annotations

from pathlib import Path

import typer

from auditor.cli.app import command
from auditor.cli.options import Db, Out, Quiet, Verbose, verbosity
from auditor.errors import AuditorError


@command()
def report(
    db: Db = Path("reports/audit.db"),
    out: Out = Path("reports"),
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Re-render every article report and the index from the database, without the network."""
    from auditor.outputs import prepare_dir
    from auditor.report.render import write_index, write_report
    from auditor.store import Store

    if not db.is_file():
        raise AuditorError(f"{db}: no such database (run `auditor audit` or `auditor batch` first)")
    level = verbosity(quiet, verbose)
    prepare_dir(out)
    store = Store.open(db, read_only=True)  # rendering never writes: a read-only copy renders too
    try:
        audits = store.audits()
        for one in audits:
            written = write_report(one, out)
            if level > 0:
                typer.echo(f"report: {written}")
        index = write_index(audits, store.failures(), out)
    finally:
        store.close()
    if level >= 0:
        typer.echo(f"{len(audits)} reports and {index} written")
