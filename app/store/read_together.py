"""Several small reads sent to a team server at once, answered in one round trip.

A printed plan reads six small things about one citizen. On a server each read waited for its
own round trip, and a print's ten round trips were most of what it cost beyond the rendering
(issue #19): psycopg's pipeline mode sends the reads together and takes the answers in order.
A SQLite file has no round trips; there they are read one after the other, as ever.

For plain reads only: ``SELECT`` statements built once, whose parameters need no conversion by
SQLAlchemy (whole numbers, text, dates and timezone-aware instants), and whose lists of values
(``IN``) are given as ``literal`` elements, one parameter each, not expanded when it runs.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

#: One read: a statement and its parameters.
Read = tuple[Select[*tuple[Any, ...]], Mapping[str, Any]]


def read_together(connection: Connection, reads: Sequence[Read]) -> list[list[Any]]:
    """Every row of each read, in the order asked, on ``connection`` (in its transaction).

    Rows are named tuples: by position, and by the names SQLAlchemy's rows have."""
    if connection.dialect.name != "postgresql":
        return [list(connection.execute(statement, params).all()) for statement, params in reads]
    prepared = [_prepared(statement, connection.dialect) for statement, _ in reads]
    driver: Any = connection.connection.driver_connection
    try:
        with driver.pipeline():
            cursors = []
            for (_statement, params), found in zip(reads, prepared, strict=True):
                cursor = driver.cursor()
                cursor.execute(found.compiled.string, found.compiled.construct_params(params))
                cursors.append(cursor)
        return [
            found.rows(cursor, connection.dialect)
            for cursor, found in zip(cursors, prepared, strict=True)
        ]
    except driver.Error as error:  # as SQLAlchemy reports a driver's error (and it is translated)
        sql = "; ".join(found.compiled.string for found in prepared)
        raise DBAPIError.instance(sql, None, error, type(error)) from error


class _Prepared:
    """A statement compiled for a dialect, and the maker of its rows (SQLAlchemy's conversion of
    each column's values, as its own rows get them: instants in UTC), made at its first read."""

    def __init__(self, statement: Select[*tuple[Any, ...]], dialect: Dialect) -> None:
        self.statement = statement  # kept alive: its id is its key
        self.compiled = statement.compile(dialect=dialect)
        if self.compiled.positiontup or "POSTCOMPILE" in self.compiled.string:
            raise ValueError("read_together reads statements with named, fixed parameters")
        self._shapes: dict[tuple[Any, ...], Callable[[Any], Any]] = {}

    def rows(self, cursor: Any, dialect: Dialect) -> list[Any]:
        types = tuple(column.type_code for column in cursor.description)
        shape = self._shapes.get(types)
        if shape is None:
            shape = self._shapes[types] = self._shape(types, dialect)
        return [shape(row) for row in cursor.fetchall()]

    def _shape(self, types: tuple[Any, ...], dialect: Dialect) -> Callable[[Any], Any]:
        columns = list(self.statement.selected_columns)
        names = [column.key or f"column_{n}" for n, column in enumerate(columns)]
        row_type = namedtuple("Row", names)  # type: ignore[misc]  # fields known when it runs
        converters = [
            column.type.dialect_impl(dialect).result_processor(dialect, code)
            for column, code in zip(columns, types, strict=True)
        ]
        if not any(converters):
            return row_type._make
        pairs = list(enumerate(converters))

        def shape(row: Any) -> Any:
            return row_type._make(
                row[n] if convert is None else convert(row[n]) for n, convert in pairs
            )

        return shape


#: (statement id, dialect name) -> the statement prepared for it
_PREPARED: dict[tuple[int, str], _Prepared] = {}


def _prepared(statement: Select[*tuple[Any, ...]], dialect: Dialect) -> _Prepared:
    key = (id(statement), dialect.name)
    found = _PREPARED.get(key)
    if found is None or found.statement is not statement:
        found = _PREPARED[key] = _Prepared(statement, dialect)
    return found
