"""Min Plan editing: texts, milestones, versions, the plan on an earlier date, changes since print."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen
from app.casework.plan import plan as uc
from app.domain.errors import ConflictError, ValidationError
from app.domain.plan import PlanSnapshot, diff
from app.store.engine import Database, transaction
from app.store.models import Milestone, PlanVersion

TODAY = date(2026, 11, 23)


@pytest.fixture
def citizen_id(any_db: Database, actor) -> int:
    return create_citizen(
        any_db, actor, {"cpr": "0101901234", "first_name": "Bo", "last_name": "Berg"}, today=TODAY
    ).id


def test_saving_the_plan_keeps_a_version_and_refuses_a_stale_save(
    any_db: Database, actor, citizen_id: int
) -> None:
    first = uc.save_plan(
        any_db,
        actor,
        citizen_id,
        None,
        {"job_goal": " Job som buschauffør ", "own_words": "Jeg vil køre bus."},
        today=TODAY,
    )
    second = uc.save_plan(
        any_db, actor, citizen_id, first.version, {"job_search": "Søge 3 job om ugen"}, today=TODAY
    )
    with pytest.raises(ConflictError) as info:
        uc.save_plan(
            any_db,
            actor,
            citizen_id,
            first.version,
            {"job_search": "Søge 5 job om ugen"},
            today=TODAY,
        )
    assert info.value.current == {"job_search": "Søge 3 job om ugen"}
    assert [v[0] for v in uc.plan_versions(any_db, actor, citizen_id)] == [2, 1]
    assert second.version == first.version + 1


def test_a_plan_made_by_someone_else_while_my_empty_form_was_open_is_a_conflict(
    any_db: Database, actor, citizen_id: int
) -> None:
    uc.save_plan(any_db, actor, citizen_id, 0, {"job_goal": "Kok"}, today=TODAY)
    with pytest.raises(ConflictError) as info:
        uc.save_plan(any_db, actor, citizen_id, 0, {"job_goal": "Tømrer"}, today=TODAY)
    assert info.value.current == {"job_goal": "Kok"}
    with transaction(any_db) as s:
        assert [
            json.loads(v.snapshot)["fields"]["job_goal"] for v in s.exec(select(PlanVersion))
        ] == ["Kok"]


def test_unchanged_save_makes_no_version(any_db: Database, actor, citizen_id: int) -> None:
    saved = uc.save_plan(
        any_db, actor, citizen_id, None, {"job_goal": "Pædagogmedhjælper"}, today=TODAY
    )
    again = uc.save_plan(
        any_db, actor, citizen_id, saved.version, {"job_goal": "Pædagogmedhjælper "}, today=TODAY
    )
    assert again.areas == frozenset() and len(uc.plan_versions(any_db, actor, citizen_id)) == 1


def test_milestones_add_complete_drop_reorder_delete_restore(
    any_db: Database, actor, citizen_id: int
) -> None:
    a = uc.add_milestone(any_db, actor, citizen_id, "Få kørekort", due=date(2027, 3, 1))
    b = uc.add_milestone(any_db, actor, citizen_id, "Søge praktik")
    c = uc.add_milestone(any_db, actor, citizen_id, "Tale med lægen")
    with pytest.raises(ValidationError, match="date"):
        uc.update_milestone(any_db, actor, a.id, None, {"status": "done"})
    uc.complete_milestone(any_db, actor, a.id, date(2026, 11, 20))
    with pytest.raises(ValidationError, match="reason"):
        uc.drop_milestone(any_db, actor, b.id, "")
    uc.drop_milestone(any_db, actor, b.id, "Borgeren har fået job")
    uc.move_milestone(any_db, actor, c.id, -5)
    uc.delete_milestone(any_db, actor, a.id)
    with transaction(any_db) as s:
        titles = [
            m.title
            for m in s.exec(
                select(Milestone).where(Milestone.deleted_at.is_(None)).order_by(Milestone.position)
            ).all()
        ]
    assert titles == ["Tale med lægen", "Søge praktik"]
    uc.restore_milestone(any_db, actor, a.id)
    with transaction(any_db) as s:
        done = s.get(Milestone, a.id)
        assert (done.status, done.completed_on, done.deleted_at) == (
            "done",
            date(2026, 11, 20),
            None,
        )


def test_the_plan_as_it_was_on_an_earlier_date(any_db: Database, actor, citizen_id: int) -> None:
    uc.save_plan(any_db, actor, citizen_id, None, {"job_goal": "Lager"}, today=TODAY)
    with transaction(any_db) as s:  # move the first version back in time
        v1 = s.exec(select(PlanVersion)).one()
        v1.saved_at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    saved = uc.plan_versions(any_db, actor, citizen_id)
    uc.save_plan(any_db, actor, citizen_id, None, {"job_goal": "Butik"}, today=TODAY)
    assert uc.plan_as_of(any_db, actor, citizen_id, datetime(2026, 1, 9, tzinfo=UTC)) is None
    assert (
        uc.plan_as_of(any_db, actor, citizen_id, datetime(2026, 6, 1, tzinfo=UTC)).fields[
            "job_goal"
        ]
        == "Lager"
    )
    assert (
        uc.plan_as_of(any_db, actor, citizen_id, datetime.now(UTC) + timedelta(seconds=1)).fields[
            "job_goal"
        ]
        == "Butik"
    )
    assert len(saved) == 1


def test_changes_since_the_last_printed_plan(any_db: Database, actor, citizen_id: int) -> None:
    uc.save_plan(any_db, actor, citizen_id, None, {"job_goal": "Lager"}, today=TODAY)
    m = uc.add_milestone(any_db, actor, citizen_id, "Truckcertifikat")
    changes, printed = uc.changes_since_last_print(any_db, actor, citizen_id)
    assert printed is None and {c.kind for c in changes} == {"field", "milestone_added"}
    uc.mark_printed(any_db, actor, citizen_id)
    assert uc.changes_since_last_print(any_db, actor, citizen_id)[0] == []
    uc.complete_milestone(any_db, actor, m.id, TODAY)
    uc.save_plan(any_db, actor, citizen_id, None, {"own_words": "Jeg glæder mig"}, today=TODAY)
    changes, printed = uc.changes_since_last_print(any_db, actor, citizen_id)
    assert printed is not None
    assert [(c.kind, c.subject, c.before, c.after) for c in changes] == [
        ("field", "own_words", None, "Jeg glæder mig"),
        ("milestone_status", "Truckcertifikat", "planned", "done"),
    ]


def test_diff_of_identical_snapshots_is_empty_and_json_round_trips() -> None:
    snap = PlanSnapshot({"job_goal": "X"}, ())
    assert diff(snap, PlanSnapshot.from_json(snap.to_json())) == []
