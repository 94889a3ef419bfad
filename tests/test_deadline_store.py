"""Kept requirements: always the same as computing from the facts, kept in the writer's transaction,
rebuilt when the rules change. The fast path must never tell a caseworker something the engine
would not."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.casework.benefits.spells import change_benefit, end_spell, start_spell
from app.casework.citizens.citizens import create_citizen, delete_citizen
from app.casework.conversations.conversations import book_conversation, record_outcome
from app.casework.core.actor import Actor
from app.casework.deadlines import deadline_store
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.deadlines import HISTORY_DAYS, deadlines_computed, deadlines_for
from app.casework.offers.offers import register_offer
from app.demo.data import populate
from app.domain.deadlines import visible_on
from app.domain.errors import MinPlanError
from app.store.engine import Database, transaction
from app.store.models import Citizen, Conversation, RequirementState, StoredRequirement

TODAY = date(2026, 11, 23)
_FIELDS = ("rule_id", "rule_set", "due", "window_start", "status", "done", "met_on", "next_by")


def _key(citizen_id: int, d) -> tuple:  # type: ignore[no-untyped-def]
    return (citizen_id, *(getattr(d, f) for f in _FIELDS))


def kept(db: Database, as_of: date) -> list[tuple]:
    return sorted(_key(i.citizen_id, i.deadline) for i in deadlines_for(db, as_of))


def computed(db: Database, as_of: date) -> list[tuple]:
    """The engine on every citizen's facts, filtered as ``deadlines_for`` documents (a worklist
    shows periodic assessments from ``ASSESSMENT_LEAD_DAYS`` ahead; an overview the next one)."""
    since = as_of - timedelta(days=HISTORY_DAYS)
    return sorted(
        _key(citizen_id, d)
        for citizen_id, found in deadlines_computed(db, as_of).items()
        for d in found
        if (d.due >= since or d.is_open)
        and visible_on(d.kind, d.period_start, d.window_start, d.due, as_of)
    )


def test_kept_requirements_equal_the_engine_on_a_demo_jobcenter_on_many_days(
    any_db: Database, actor: Actor
) -> None:
    populate(any_db, actor, citizens=150, seed=7, as_of=TODAY)
    for as_of in (
        TODAY,
        TODAY - timedelta(days=200),
        date(2026, 7, 1),
        date(2024, 3, 1),
        TODAY + timedelta(days=45),
    ):
        assert kept(any_db, as_of) == computed(any_db, as_of), as_of
    assert kept(any_db, TODAY), "the demo jobcenter has deadlines"


_serial = itertools.count()


def _citizen(db: Database, actor: Actor) -> int:
    """A new synthetic citizen with a CPR number no other test citizen has."""
    k = next(_serial)
    cpr = f"{1 + k % 28:02d}{1 + k // 28 % 12:02d}{50 + k // 336 % 50:02d}-1234"
    return create_citizen(
        db, actor, {"cpr": cpr, "first_name": "Test", "last_name": f"Syntetisk {k}"}, today=TODAY
    ).id


def _open(db: Database, citizen_id: int, as_of: date = TODAY) -> dict[str, str]:
    return {
        i.deadline.rule_id: i.deadline.status
        for i in deadlines_for(db, as_of, open_only=True)
        if i.citizen_id == citizen_id
    }


def test_a_held_conversation_takes_its_requirement_off_the_list_in_the_same_transaction(
    any_db: Database, actor: Actor
) -> None:
    who = _citizen(any_db, actor)
    start_spell(
        any_db,
        actor,
        who,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=10)},
    )
    assert _open(any_db, who)["kontanthjaelp_first_week"] == "overdue"
    talk = book_conversation(any_db, actor, who, datetime(2026, 11, 20, 10, 0)).id
    assert "kontanthjaelp_first_week" in _open(any_db, who), "booked is not held"
    record_outcome(any_db, actor, talk, "held", held_on=date(2026, 11, 20), today=TODAY)
    assert "kontanthjaelp_first_week" not in _open(any_db, who)
    assert _open(any_db, who)["four_in_six_months"] == "open"


def test_any_session_keeps_them_and_a_rolled_back_one_changes_nothing(
    db: Database, actor: Actor
) -> None:
    who = _citizen(db, actor)
    start_spell(db, actor, who, {"target_group": "sygedagpenge", "start_date": date(2026, 10, 1)})
    before = kept(db, TODAY)
    held = Conversation(
        citizen_id=who, kind="opfoelgning", status="held", held_on=date(2026, 10, 20)
    )
    with pytest.raises(RuntimeError), transaction(db) as session:
        session.add(held)
        session.flush()  # the hook has noted the citizen; the transaction then fails
        raise RuntimeError("the use case failed after writing")
    assert kept(db, TODAY) == before == computed(db, TODAY)
    with transaction(db) as session:  # a plain session, not a use case, is followed too
        session.add(
            Conversation(
                citizen_id=who, kind="opfoelgning", status="held", held_on=date(2026, 10, 20)
            )
        )
    assert kept(db, TODAY) != before
    assert kept(db, TODAY) == computed(db, TODAY)
    assert "sygedagpenge_first_week_8" not in _open(db, who)


def test_benefit_changes_offers_ends_and_deletion_are_followed(
    any_db: Database, actor: Actor
) -> None:
    who = _citizen(any_db, actor)
    spell = start_spell(
        any_db,
        actor,
        who,
        {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 2)},
    )
    assert "ret_og_pligt" in _open(any_db, who, date(2026, 8, 1))
    register_offer(
        any_db,
        actor,
        who,
        {
            "kind": "virksomhedspraktik",
            "start_date": date(2026, 6, 1),
            "planned_end": date(2026, 7, 31),
        },
        today=date(2026, 5, 20),
    )
    assert "ret_og_pligt" not in _open(any_db, who, date(2026, 8, 1))
    change_benefit(any_db, actor, spell.id, "kontanthjaelp_aktivitetsparat", date(2026, 9, 1))
    assert kept(any_db, TODAY) == computed(any_db, TODAY)
    groups = {i.deadline.target_group for i in deadlines_for(any_db, TODAY) if i.citizen_id == who}
    assert "kontanthjaelp_aktivitetsparat" in groups
    delete_citizen(any_db, actor, who, reason="Oprettet ved en fejl (test)")
    assert not [i for i in deadlines_for(any_db, TODAY) if i.citizen_id == who]


def test_the_kept_requirements_are_rebuilt_when_the_rules_change(
    db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    who = _citizen(db, actor)
    start_spell(
        db,
        actor,
        who,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=3)},
    )
    deadlines_for(db, TODAY)
    override = tmp_path / "rules.toml"
    override.write_text(
        '[rule_set]\nname = "LAB 2026"\nvalid_from = 2026-07-01\n\n[[rule]]\n'
        'id = "kontanthjaelp_first_week"\ntitle = "First conversation within a week"\n'
        'kind = "first_by"\ngroups = ["kontanthjaelp_jobparat"]\nheld_by = "jobcenter"\n'
        'due = { days = 14 }\nsource = "Lokal regel (test)"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MINPLAN_RULES", str(override))
    rules = load_rule_sets().book
    with db.engine.connect() as conn:
        assert not deadline_store.is_current(conn, rules)
    first = [
        i.deadline
        for i in deadlines_for(db, TODAY)
        if i.deadline.rule_id == "kontanthjaelp_first_week"
    ]
    assert [(d.due, d.source) for d in first] == [
        (TODAY + timedelta(days=11), "Lokal regel (test)")
    ]
    with db.engine.connect() as conn:
        assert deadline_store.is_current(conn, rules)
        assert conn.execute(select(func.count()).select_from(RequirementState)).scalar_one() == 1


def test_a_far_as_of_day_moves_the_horizon_on(db: Database, actor: Actor) -> None:
    who = _citizen(db, actor)
    start_spell(
        db,
        actor,
        who,
        {"target_group": "kontanthjaelp_aktivitetsparat", "start_date": date(2024, 3, 1)},
    )
    far = date(2031, 3, 1)
    assert kept(db, far) == computed(db, far)
    assert any(t[1] == "afklaring_two_years" for t in kept(db, far))


# --- a property: whatever caseworkers do, the kept requirements follow -------------------------
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["spell", "end", "book", "held", "no_show", "offer"]),
        st.integers(0, 2),  # which citizen
        st.integers(0, 500),  # a day after 1 Jan 2026
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(actions=ACTIONS)
def test_any_sequence_of_use_cases_keeps_requirements_equal_to_the_engine(
    db: Database, actor: Actor, actions: list[tuple[str, int, int]]
) -> None:
    people = [_citizen(db, actor) for _ in range(3)]  # new citizens in each example
    start = date(2026, 1, 1)
    for action, who, offset in actions:
        day = start + timedelta(days=offset)
        citizen = people[who]
        try:
            if action == "spell":
                group = ["kontanthjaelp_jobparat", "sygedagpenge", "dagpenge"][offset % 3]
                start_spell(db, actor, citizen, {"target_group": group, "start_date": day})
            elif action == "end":
                with db.engine.connect() as conn:
                    open_spell = conn.exec_driver_sql(
                        "SELECT id, start_date FROM benefit_spell WHERE citizen_id = "
                        f"{citizen} AND end_date IS NULL"
                    ).first()
                if open_spell:
                    end_spell(db, actor, open_spell[0], day, "Selvforsørgende (test)")
            elif action == "book":
                book_conversation(db, actor, citizen, datetime.combine(day, datetime.min.time()))
            elif action in ("held", "no_show"):
                with db.engine.connect() as conn:
                    planned = conn.exec_driver_sql(
                        "SELECT id FROM conversation WHERE status = 'planned' AND citizen_id = "
                        f"{citizen} ORDER BY id"
                    ).first()
                if planned:
                    record_outcome(
                        db,
                        actor,
                        planned[0],
                        action,
                        held_on=day if action == "held" else None,
                        today=date(2027, 6, 1),
                    )
            else:
                register_offer(
                    db,
                    actor,
                    citizen,
                    {
                        "kind": "virksomhedspraktik",
                        "start_date": day,
                        "planned_end": day + timedelta(days=30),
                    },
                    today=day,
                )
        except MinPlanError:
            pass  # refused input (an overlap, a spell end before its start) changes nothing
        as_of = start + timedelta(days=offset)
        assert kept(db, as_of) == computed(db, as_of)


def test_rows_left_behind_are_left_out_and_the_rest_stays_in_due_then_name_order(
    db: Database, actor: Actor
) -> None:
    """A citizen deleted by another desk a moment ago, and a rule only another desk's rule files
    know, leave kept rows behind until the next refresh: the list leaves exactly those out."""
    who, gone = _citizen(db, actor), _citizen(db, actor)
    for citizen, start in ((who, date(2026, 3, 2)), (gone, date(2026, 4, 6))):
        start_spell(
            db, actor, citizen, {"target_group": "kontanthjaelp_jobparat", "start_date": start}
        )
    before = [i for i in deadlines_for(db, TODAY) if i.citizen_id != gone]
    with transaction(db) as session:
        first = session.execute(
            select(func.min(StoredRequirement.id)).where(StoredRequirement.citizen_id == who)
        ).scalar_one()
        session.execute(
            StoredRequirement.__table__.update()  # type: ignore[attr-defined]
            .where(StoredRequirement.id == first)
            .values(rule_id="only_on_another_desk")
        )
        session.execute(
            Citizen.__table__.update()  # type: ignore[attr-defined]
            .where(Citizen.id == gone)
            .values(deleted_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        )
    after = deadlines_for(db, TODAY)
    assert gone not in {i.citizen_id for i in after}
    assert "only_on_another_desk" not in {i.deadline.rule_id for i in after}
    assert len(after) == len(before) - 1 and set(after) < set(before)
    names = {i.citizen_id: i.name for i in after}
    assert [(i.deadline.due, names[i.citizen_id]) for i in after] == sorted(
        (i.deadline.due, names[i.citizen_id]) for i in after
    )


def test_equal_due_dates_come_in_danish_name_order_and_equal_names_by_id(
    db: Database, actor: Actor
) -> None:
    """On both backends: Æ, Ø, Å last as in Danish (a server's linguistic collation would put
    Å before Ø), and two citizens of one name by id."""
    names = [
        ("Åse", "Berg"),
        ("Anna", "Berg"),
        ("Øjvind", "Berg"),
        ("Anna", "Berg"),
        ("Ærø", "Berg"),
    ]
    ids = []
    for first, last in names:
        k = next(_serial)
        cpr = f"{1 + k % 28:02d}{1 + k // 28 % 12:02d}{50 + k // 336 % 50:02d}-1234"
        ids.append(
            create_citizen(
                db, actor, {"cpr": cpr, "first_name": first, "last_name": last}, today=TODAY
            ).id
        )
        start_spell(
            db,
            actor,
            ids[-1],
            {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 2)},
        )
    items = [i for i in deadlines_for(db, TODAY) if i.citizen_id in ids]
    first_due = min(i.deadline.due for i in items)
    order = [i.citizen_id for i in items if i.deadline.due == first_due]
    assert [dict(zip(ids, names, strict=True))[c][0] for c in order] == [
        "Anna",
        "Anna",
        "Ærø",
        "Øjvind",
        "Åse",
    ]
    assert order[:2] == sorted(order[:2])


def test_a_list_built_a_slice_at_a_time_is_the_list_built_at_once(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker builds a jobcenter's list in slices, so that the window answers meanwhile:
    slices of any size (here 1 and 7 rows) give the same deadlines in the same order."""
    from app.store import rows

    populate(db, actor, citizens=40, seed=3, as_of=TODAY)
    whole = deadlines_for(db, TODAY), deadlines_for(db, TODAY, open_only=True)
    assert len(whole[0]) > 100 and len(whole[1]) > 20
    for size in (1, 7):
        monkeypatch.setattr(rows, "SLICE", size)
        assert (deadlines_for(db, TODAY), deadlines_for(db, TODAY, open_only=True)) == whole


def test_slices_cover_every_item_once_in_order_and_let_go_empties_lists() -> None:
    from app.store.rows import let_go, slices

    items = list(range(23))
    assert [part for part in slices(items, 5)][-1] == [20, 21, 22]
    assert [x for part in slices(items, 5) for x in part] == items
    assert list(slices([], 5)) == []
    other = list(range(40_000))
    let_go(items, other)
    assert items == [] and other == []


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["2026-01-05", "2025-12-31", "2026-03-01"])),
        max_size=60,
    ),
    st.permutations(list(range(7))),
    st.integers(1, 9),
)
def test_deadlines_are_ordered_by_due_date_then_name_then_as_read(
    rows: list[tuple[int, str]], name_order: list[int], size: int
) -> None:
    """The order of a scope's deadlines: by due date, then by the citizen's place in Danish name
    order (``people`` are in that order), then as read, for any slice size."""
    from app.store import kept_deadlines
    from app.store import rows as row_module

    raw = [(citizen, *([None] * 6), due) for citizen, due in rows]
    people = kept_deadlines.People({}, [(citizen, "", "", None) for citizen in name_order])
    expected = sorted(range(len(raw)), key=lambda n: (raw[n][7], name_order.index(raw[n][0]), n))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(row_module, "SLICE", size)
        found = kept_deadlines._by_due_then_name(raw, people, {(None, None): ()}, date(2026, 1, 1))
    assert found == expected


def test_a_requirements_parameters_are_kept_as_the_same_json_text_whether_remembered_or_not() -> (
    None
):
    from app.casework.deadlines.deadline_store import _extra_text

    dated = (("exempt_until", date(2026, 3, 31)), ("interval", 45))
    assert _extra_text(dated) == '{"exempt_until": "2026-03-31", "interval": 45}'
    assert _extra_text(dated) == _extra_text(tuple(dated))  # the second from the cache
    assert _extra_text((("days", [1, 2]),)) == '{"days": [1, 2]}'  # a list is no cache key
    assert _extra_text(()) is None


def test_a_scopes_deadlines_are_made_when_asked_for_and_behave_as_a_list(
    db: Database, actor: Actor
) -> None:
    """``deadlines_for`` keeps the rows and makes each deadline when asked for: by index (also
    from the end), by slice and in a loop it gives the same deadlines in the same order, compares
    equal to them as a list, names its citizens without making any, and can be emptied."""
    for start in (date(2026, 3, 2), date(2026, 4, 6), date(2026, 1, 12)):
        start_spell(
            db,
            actor,
            _citizen(db, actor),
            {"target_group": "kontanthjaelp_jobparat", "start_date": start},
        )
    found = deadlines_for(db, TODAY)
    every = list(found)
    assert len(found) == len(every) > 6
    assert [found[n] for n in range(len(found))] == every
    assert found[-1] == every[-1] and found[1:4] == every[1:4]
    assert found == every and found == tuple(every) and found != every[:-1]
    assert found == deadlines_for(db, TODAY) and found != "not deadlines"
    assert found.citizen_ids() == {item.citizen_id for item in every}
    assert all(i.deadline.met_on is None and i.deadline.done < i.deadline.required
               for i in every if i.deadline.is_open)  # fmt: skip
    with pytest.raises(IndexError):
        found[len(found)]
    found.let_go()
    assert len(found) == 0 and list(found) == []


def test_people_read_apart_from_their_order_leave_out_who_came_or_went_between() -> None:
    """Everybody's people are read as rows in table order and ids in name order: a citizen in
    only one of the two reads is not one of the people (the rows of a newcomer are left out
    as a deleted citizen's are)."""
    from app.store.kept_deadlines import People, Person

    rows = [(7, "0101901234", "Åse Berg", 2), (3, "0202902345", "Anna Berg", None)]
    people = People({2: "ABC"}, rows, in_order=[3, 9, 7])
    assert list(people) == [3, 7] and len(people) == 2
    assert people.rank == {3: 0, 7: 1}
    assert 9 not in people and 3 in people
    assert people[7] == Person("0101901234", "Åse Berg", 2, "ABC")
    assert people[3].caseworker is None
    assert list(People({}, rows[::-1], in_order=[7])) == [7]
    assert list(People({}, rows)) == [7, 3]  # without an order: as read


def test_everybodys_deadlines_on_a_server_read_on_two_connections_fail_as_one(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a team server everybody's citizens and bookings are read on a second connection
    beside the requirements: the result is the engine's, an error of that
    read reaches the caller, and neither connection is left checked out."""
    from app.casework.deadlines import deadlines as module

    if db.is_sqlite:
        pytest.skip("a desk's file is read on one connection")
    start_spell(
        db, actor, _citizen(db, actor),
        {"target_group": "kontanthjaelp_jobparat", "start_date": date(2026, 3, 2)},
    )  # fmt: skip
    assert len(deadlines_for(db, TODAY)) > 0
    assert kept(db, TODAY) == computed(db, TODAY)

    def broken(*_args: object) -> None:
        raise RuntimeError("the second read failed")

    monkeypatch.setattr(module, "next_booked", broken)
    with pytest.raises(RuntimeError, match="the second read failed"):
        deadlines_for(db, TODAY)
    assert db.engine.pool.checkedout() == 0
