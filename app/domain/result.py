"""What a use case reports back: the record saved and which views must refresh.

Plain data, so that it can cross from a worker thread to the GUI thread. The GUI refreshes only
the views whose ``Area`` is in ``areas`` (Anki's "what changed" pattern), always from the
database. The areas are an enum, not strings: a misspelt area fails where it is written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Area(StrEnum):
    """A kind of thing a change can touch; each view reloads on the areas it shows."""

    CITIZEN_LIST = "citizen_list"
    CITIZEN = "citizen"
    SPELLS = "spells"
    PLAN = "plan"
    MILESTONES = "milestones"
    OFFERS = "offers"
    CONVERSATIONS = "conversations"
    EMPLOYMENT = "employment"
    COMPANIES = "companies"
    JOURNAL = "journal"
    HISTORY = "history"
    DEADLINES = "deadlines"
    USERS = "users"
    GOALS = "goals"


#: Every area (kept under its old name for callers that list them).
AREAS = frozenset(Area)


@dataclass(frozen=True)
class Saved:
    id: int
    version: int
    citizen_id: int | None = None
    areas: frozenset[Area] = field(default_factory=frozenset)
    #: Non-blocking advice for the user (e.g. an offer longer than the rule data allows).
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Typed even when built from strings (a misspelt area fails here, not as a view that
        # silently never refreshes).
        object.__setattr__(self, "areas", _typed(self.areas))


def _typed(names: Iterable[Area | str]) -> frozenset[Area]:
    return frozenset(Area(name) for name in names)
