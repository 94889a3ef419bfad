"""What a use case reports back: the record saved and which views must refresh.

Plain data, so that it can cross from a worker thread to the GUI thread. The GUI refreshes only
the views named in ``areas`` (Anki's "what changed" pattern), always from the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Names of the views a change can affect.
AREAS = frozenset(
    {
        "citizen_list",
        "citizen",
        "spells",
        "plan",
        "milestones",
        "offers",
        "conversations",
        "employment",
        "companies",
        "journal",
        "history",
    }
)


@dataclass(frozen=True)
class Saved:
    id: int
    version: int
    citizen_id: int | None = None
    areas: frozenset[str] = field(default_factory=frozenset)
    #: Non-blocking advice for the user (e.g. an offer longer than the rule data allows).
    warnings: tuple[str, ...] = ()
