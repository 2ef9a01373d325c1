"""``auditor report``: re-render reports and the index from the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from auditor.cli.app import command
from auditor.cli.options import Db, Out, Quiet, Verbose, verbosity
from auditor.errors import AuditorError

if TYPE_CHECKING:
    from auditor.models import Audit


@command()
def report(
    db: Db = Path("reports/audit.db"),
    out: Out = Path("reports"),
    quiet: Quiet = False,
    verbose: Verbose = False,
) -> None:
    """Re-render every article report and the index from the database, without the network."""
    from auditor.outputs import prepare_dir
    from auditor.report.render import write_corpus_index, write_report
    from auditor.store import Store

    if not db.is_file():
        raise AuditorError(f"{db}: no such database (run `auditor audit` or `auditor batch` first)")
    level = verbosity(quiet, verbose)
    prepare_dir(out)
    store = Store.open(db, read_only=True)  # rendering never writes: a read-only copy renders too
    written = 0

    def each() -> Iterator[Audit]:  # one pass: every report, and the index gathered from it
        nonlocal written
        for one in store.iter_audits():
            path = write_report(one, out)
            written += 1
            if level > 0:
                typer.echo(f"report: {path}")
            yield one

    try:
        index = write_corpus_index(store, out, each=each())
    finally:
        store.close()
    if level >= 0:
        typer.echo(f"{written} reports and {index} written")
