"""Conversations, employment outcomes and the journal."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.casework.benefits import employment as em
from app.casework.citizens import journal as jr
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations import conversations as cv
from app.casework.core.actor import Actor
from app.domain.dates import local_today
from app.domain.errors import PermissionDeniedError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import Conversation, Employment, JournalNote

TODAY = date(2026, 11, 23)


@pytest.fixture
def citizen_id(any_db: Database, actor) -> int:
    return create_citizen(
        any_db, actor, {"cpr": "0101901234", "first_name": "Bo", "last_name": "Berg"}, today=TODAY
    ).id


def test_book_and_record_a_conversation(any_db: Database, actor, citizen_id: int) -> None:
    booked = cv.book_conversation(
        any_db, actor, citizen_id, datetime(2026, 12, 1, 10, 30), channel="video", with_a_kasse=True
    )
    with transaction(any_db) as s:
        row = s.get(Conversation, booked.id)
        assert (
            row.scheduled_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC) and row.status == "planned"
        )
    with pytest.raises(ValidationError, match="date"):
        cv.record_outcome(any_db, actor, booked.id, "held", today=TODAY)
    with pytest.raises(ValidationError, match="future"):
        cv.record_outcome(
            any_db, actor, booked.id, "held", held_on=TODAY + timedelta(days=1), today=TODAY
        )
    cv.record_outcome(
        any_db, actor, booked.id, "held", held_on=TODAY, note="Aftalt praktik", today=TODAY
    )
    [(_, when, kind, status, held)] = cv.conversation_history(any_db, actor, citizen_id)
    assert (when, kind, status, held) == (
        datetime(2026, 12, 1, 10, 30),
        "jobsamtale",
        "held",
        TODAY,
    )


def test_no_show_and_bad_bookings(any_db: Database, actor, citizen_id: int) -> None:
    with pytest.raises(ValidationError):
        cv.book_conversation(any_db, actor, citizen_id, datetime(2026, 12, 1, 22, 0))
    with pytest.raises(ValidationError):
        cv.book_conversation(any_db, actor, citizen_id, datetime(2026, 12, 1, 10, 0), channel="fax")
    booked = cv.book_conversation(any_db, actor, citizen_id, datetime(2026, 12, 1, 10, 0))
    cv.record_outcome(any_db, actor, booked.id, "no_show", today=TODAY)
    with pytest.raises(ValidationError, match="booked"):
        cv.reschedule(any_db, actor, booked.id, datetime(2026, 12, 2, 10, 0))


def test_flexjob_hours_change_over_time_and_education_outcomes(
    any_db: Database, actor, citizen_id: int
) -> None:
    job = em.register_employment(
        any_db,
        actor,
        citizen_id,
        {"kind": "flexjob", "start_date": date(2026, 1, 1), "hours_per_week": 12},
    )
    em.change_flexjob_hours(any_db, actor, job.id, 15, date(2026, 6, 1))
    with pytest.raises(ValidationError):
        em.register_employment(
            any_db, actor, citizen_id, {"kind": "paid_hours", "start_date": date(2026, 1, 1)}
        )
    em.register_employment(
        any_db,
        actor,
        citizen_id,
        {"kind": "paid_hours", "start_date": date(2026, 2, 1), "hours_per_month": 30},
    )
    school = em.register_employment(
        any_db, actor, citizen_id, {"kind": "education", "start_date": date(2026, 8, 1)}
    )
    with pytest.raises(ValidationError, match="finished or dropped"):
        em.end_employment(any_db, actor, school.id, date(2026, 10, 1))
    em.end_employment(any_db, actor, school.id, date(2026, 10, 1), completed=False)
    with transaction(any_db) as s:
        flex = [
            (r.start_date, r.end_date, r.hours_per_week)
            for r in s.exec(
                select(Employment)
                .where(Employment.kind == "flexjob")
                .order_by(Employment.start_date)
            ).all()
        ]
        assert flex == [(date(2026, 1, 1), date(2026, 5, 31), 12.0), (date(2026, 6, 1), None, 15.0)]
        assert s.get(Employment, school.id).completed is False


def test_journal_notes_are_fixed_after_the_day_and_corrected_by_new_notes(
    any_db: Database, actor, citizen_id: int
) -> None:
    author = Actor(caseworker_id=None, initials="TEST", name="T", role="caseworker", os_user="t")
    note = jr.add_note(
        any_db, author, citizen_id, "Borgeren ønsker praktik i detailhandlen.", today=TODAY
    )
    today_local = local_today()  # the note is stamped with the real clock, in Danish time
    jr.edit_note(
        any_db,
        author,
        note.id,
        note.version,
        "Borgeren ønsker praktik i detail.",
        today=today_local,
    )
    with pytest.raises(PermissionDeniedError):
        jr.edit_note(
            any_db,
            author,
            note.id,
            None,
            "Ændret dagen efter",
            today=today_local + timedelta(days=1),
        )
    fix = jr.correct_note(
        any_db, author, note.id, "Rettelse: ønsker praktik i byggemarked.", today=TODAY
    )
    views = jr.notes(any_db, author, citizen_id, today=today_local + timedelta(days=1))
    assert [(v.id, v.corrects_id, v.corrected_by, v.editable) for v in views] == [
        (fix.id, note.id, (), False),
        (note.id, None, (fix.id,), False),
    ]
    assert [v.id for v in jr.notes(any_db, author, citizen_id, search="BYGGEMARKED")] == [fix.id]
    with pytest.raises(ValidationError):
        jr.add_note(any_db, author, citizen_id, "   ")
    with transaction(any_db) as s:
        assert s.get(JournalNote, note.id).text == "Borgeren ønsker praktik i detail."


def test_team_leads_see_that_notes_exist_but_not_their_text(db, actor) -> None:
    from datetime import date

    from app.casework.citizens.citizens import create_citizen
    from app.casework.citizens.journal import add_note, notes
    from app.casework.core.actor import Actor

    citizen = create_citizen(
        db,
        actor,
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=date(2026, 11, 23),
    ).id
    add_note(db, actor, citizen, "Helbredsoplysning (syntetisk)", today=date(2026, 11, 23))
    lead = Actor(None, "TL", "Tove Larsen", "teamlead", "tove")
    seen = notes(db, lead, citizen, today=date(2026, 11, 23))
    assert len(seen) == 1 and seen[0].text == "" and not seen[0].editable
    assert notes(db, lead, citizen, search="Helbred", today=date(2026, 11, 23)) == []
    assert (
        notes(db, actor, citizen, today=date(2026, 11, 23))[0].text
        == "Helbredsoplysning (syntetisk)"
    )
