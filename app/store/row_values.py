"""Values of stored rows, typed as what they are.

The models declare ``id: int | None`` because a new object has no id until the session flushes
it; every row read from the database, or added and flushed, has one. ``saved_id(row)`` says so
once, instead of each use case narrowing (or ignoring) the ``None`` it never sees.

``not_null(value)`` does the same for a nullable column that a query's condition has made
non-null (``WHERE held_on IS NOT NULL``, ``WHERE due < :today``): the column's type cannot know.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Mapped
from sqlmodel import col

_T = TypeVar("_T")


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _HasId) -> int:
    """``row.id`` of a row that is in the database; ``ValueError`` for one not flushed yet."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id


def not_null(value: _T | None) -> _T:
    """``value``, which the query that read it guarantees is not NULL (``ValueError`` if it is)."""
    if value is None:
        raise ValueError("a value the query guarantees was NULL")
    return value


def id_column(model: type[Any]) -> Mapped[int]:
    """``model.id`` as a query's column: typed ``int``, as every stored row's id is."""
    column: Mapped[int] = col(model.id)
    return column
