"""What every part of the store shares: the connection, and SQLite errors as one line.

A user never sees a ``sqlite3`` traceback: each store method's error becomes a
``StoreError`` naming the database and what to do about it.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import sqlite_utils

from auditor.errors import StoreError

_P = ParamSpec("_P")
_T = TypeVar("_T")
_S = TypeVar("_S", bound="StoreBase")


class Busy(StoreError):
    """Another live process holds the database's lock (a batch is running on it)."""


def explain(path: str | Path, exc: sqlite3.Error, doing: str = "read") -> str:
    """The one line a user reads for a SQLite error: what is wrong and what to do."""
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and ("malformed" in text or "not a database" in text):
        return f"the database {path} is damaged ({text}); move it aside or restore a copy, then rerun"
    return f"cannot {doing} the database {path}: {text}"


def mapped(method: Callable[Concatenate[_S, _P], _T]) -> Callable[Concatenate[_S, _P], _T]:
    """Every SQLite error of a store method becomes the store's one-line ``StoreError``.

    Reads fail too: a database with 64 KiB overwritten opens fine and raises
    ``DatabaseError`` on the first page it cannot read, deep inside a report or a batch.
    """

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(self.explain(exc)) from exc

    return wrapper


class StoreBase:
    """The connection and its path; the writes and the queries are built on it."""

    def __init__(self, db: sqlite_utils.Database, path: str | Path = ":memory:") -> None:
        self.db = db
        self.path = str(path)

    def explain(self, exc: sqlite3.Error, doing: str = "read") -> str:
        return explain(self.path, exc, doing)

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction whose SQLite errors surface as one ``StoreError`` line."""
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            raise StoreError(self.explain(exc, "write to")) from exc

    def _insert(self, table: str, row: Mapping[str, object]) -> int:
        pk = self.db.table(table).insert(dict(row)).last_pk
        if not isinstance(pk, int):
            raise StoreError(f"cannot write to the database: no id for the new {table} row")
        return pk
