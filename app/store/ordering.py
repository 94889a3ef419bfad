"""Ordering that is the same on every backend.

``citizen.sort_key`` is built so that its plain byte order is Danish alphabetical order (see
``app.domain.search.citizen_sort_key``). SQLite compares text byte by byte; a PostgreSQL database
created with a Danish (or any linguistic) collation would instead ignore the key's punctuation
and put Å before Ø. ``byte_order(column)`` asks PostgreSQL for the "C" collation explicitly and
leaves the column alone on SQLite.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class byte_order(ColumnElement[Any]):  # noqa: N801  (used like an SQL function)
    """``expression COLLATE "C"`` on PostgreSQL, the expression itself elsewhere."""

    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]

    def __init__(self, clause: ColumnElement[Any]) -> None:
        self.clause = clause
        self.type = clause.type


@compiles(byte_order)
def _plain(element: byte_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clause, **kw))


@compiles(byte_order, "postgresql")
def _c_collation(element: byte_order, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.clause.self_group(), **kw)} COLLATE "C"'
