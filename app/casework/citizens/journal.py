"""The journal: dated notes per citizen. A note can be edited by its author on the day it was
written; after that it is fixed, and a correction is a new note referring to the old one (as
case law on documentation expects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import col, select

from app.casework.core import access, audit
from app.casework.core.actor import Actor
from app.casework.core.editing import (
    apply_changes,
    flush_versioned,
    get_row,
    load_case_row_for_update,
)
from app.casework.core.reading import read_citizen
from app.casework.core.result import Area, Saved
from app.domain import validation as v
from app.domain.dates import local_today, utc_to_local
from app.domain.errors import PermissionDeniedError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import Caseworker, Citizen, JournalNote
from app.store.row_values import saved_id

_AREAS = frozenset({Area.JOURNAL, Area.HISTORY})
MAX_NOTE_LENGTH = 20_000


def _clean_text(text: str | None) -> str:
    cleaned = v.text(text)
    if cleaned is None:
        raise ValidationError("The note is empty", field="text")
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise ValidationError(
            "The note is too long (at most {max} characters)", field="text", max=MAX_NOTE_LENGTH
        )
    return cleaned


def add_note(
    db: Database,
    actor: Actor,
    citizen_id: int,
    text: str,
    *,
    today: date | None = None,
    corrects_id: int | None = None,
) -> Saved:
    cleaned = _clean_text(text)
    with transaction(db) as session:
        get_row(session, Citizen, citizen_id)
        access.require_case_write(session, actor, citizen_id)
        if corrects_id is not None:
            original = get_row(session, JournalNote, corrects_id)
            if original.citizen_id != citizen_id:
                raise ValidationError(
                    "A correction must belong to the same citizen", field="corrects_id"
                )
        row = JournalNote(
            citizen_id=citizen_id,
            written_on=today or local_today(),
            caseworker_id=actor.caseworker_id,
            text=cleaned,
            corrects_id=corrects_id,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "correct_note" if corrects_id else "create",
            entity="journal_note",
            entity_id=row.id,
            citizen_id=citizen_id,
            details={"corrects_id": corrects_id} if corrects_id else None,
        )
        return Saved(saved_id(row), row.version, citizen_id, _AREAS)


def correct_note(
    db: Database, actor: Actor, note_id: int, text: str, *, today: date | None = None
) -> Saved:
    """A new note that corrects an earlier one; the earlier note stays as it was."""
    with transaction(db) as session:
        citizen_id = get_row(session, JournalNote, note_id).citizen_id
    return add_note(db, actor, citizen_id, text, today=today, corrects_id=note_id)


def edit_note(
    db: Database,
    actor: Actor,
    note_id: int,
    expected_version: int | None,
    text: str,
    *,
    today: date | None = None,
) -> Saved:
    """Edit a note on the day it was written, by its author; later, write a correction instead."""
    cleaned = _clean_text(text)
    with transaction(db) as session:
        row = load_case_row_for_update(
            session, actor, JournalNote, note_id, expected_version, {"text": cleaned}
        )
        written_local = utc_to_local(row.created_at).date()
        if written_local != (today or local_today()):
            raise PermissionDeniedError(
                "A journal note can only be edited on the day it was written; write a correction instead"
            )
        if row.caseworker_id is not None and row.caseworker_id != actor.caseworker_id:
            raise PermissionDeniedError(
                "Only the author can edit a journal note; write a correction instead"
            )
        old, new = apply_changes(row, {"text": cleaned})
        if new:
            flush_versioned(session, row, new)
            audit.record(
                session,
                actor,
                "update",
                entity="journal_note",
                entity_id=row.id,
                citizen_id=row.citizen_id,
                details={"edited": True},
            )
        return Saved(saved_id(row), row.version, row.citizen_id, _AREAS)


@dataclass(frozen=True)
class NoteView:
    id: int
    version: int
    written_on: date
    author: str | None
    text: str
    corrects_id: int | None
    corrected_by: tuple[int, ...]
    editable: bool


def notes(
    db: Database, actor: Actor, citizen_id: int, *, search: str = "", today: date | None = None
) -> list[NoteView]:
    """A citizen's notes, newest first, optionally only those containing every search word.

    Team leads see that notes exist (date, author) but not their text: they follow the team's work,
    not the citizens' case files."""
    day = today or local_today()
    hide_text = actor.role == "teamlead"
    words = [w.lower() for w in search.split()]
    # The text column is not even read for a team lead (on PostgreSQL their database role may
    # not read it: packaging/postgresql/roles.sql).
    columns: list[Any] = [
        col(JournalNote.id),
        col(JournalNote.version),
        col(JournalNote.written_on),
        col(JournalNote.caseworker_id),
        col(JournalNote.corrects_id),
        col(JournalNote.created_at),
        col(Caseworker.initials),
    ]
    if not hide_text:
        columns.append(col(JournalNote.text))
    with transaction(db) as session:
        read_citizen(session, actor, citizen_id, "journal")
        rows = session.exec(
            select(*columns)
            .join(Caseworker, col(Caseworker.id) == col(JournalNote.caseworker_id), isouter=True)
            .where(col(JournalNote.citizen_id) == citizen_id)
            .order_by(col(JournalNote.written_on).desc(), col(JournalNote.id).desc())
        ).all()
        corrected: dict[int, list[int]] = {}
        for note in rows:
            if note.corrects_id:
                corrected.setdefault(note.corrects_id, []).append(note.id)
        result = []
        for note in rows:
            text = "" if hide_text else note.text
            if words and (hide_text or not all(w in text.lower() for w in words)):
                continue
            editable = utc_to_local(note.created_at).date() == day and note.caseworker_id in (
                None,
                actor.caseworker_id,
            )
            result.append(
                NoteView(
                    note.id,
                    note.version,
                    note.written_on,
                    note.initials,
                    text,
                    note.corrects_id,
                    tuple(corrected.get(note.id, ())),
                    editable and not hide_text,
                )
            )
        if search.strip():
            audit.record(
                session,
                actor,
                "search_journal",
                entity="journal_note",
                citizen_id=citizen_id,
                criterion=search.strip()[:300],
            )
        return result
