"""The id of a stored row, typed as the ``int`` it is.

The models declare ``id: int | None`` because a new object has no id until the session flushes it;
every row read from the database, or added and flushed, has one. ``saved_id(row)`` says so once,
instead of each use case narrowing (or ignoring) the ``None`` it never sees.
"""

from __future__ import annotations

from typing import Protocol


class _HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _HasId) -> int:
    """``row.id`` of a row that is in the database; ``ValueError`` for one not flushed yet."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id until it is flushed")
    return row.id
