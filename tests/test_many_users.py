"""Many users at once on one PostgreSQL server: 20 client processes book conversations and edit
the plans of the same few citizens. Afterwards no acknowledged write is missing, no update was
lost (the plans' histories are unbroken chains of acknowledged saves), every lost race was told
to its client as a conflict, and the audit log holds exactly one event per acknowledged write."""

from __future__ import annotations

import json
import multiprocessing
import queue
from collections import defaultdict
from datetime import date

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import system_actor
from app.casework.plan.plan import save_plan
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Conversation, Plan, PlanVersion

CLIENTS = 20
OPERATIONS = 15
TODAY = date(2026, 11, 23)
pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _setup(db: Database) -> tuple[list[int], list[int], dict[int, int]]:
    """20 caseworkers, 6 shared citizens; 4 of them have a plan already (version 1)."""
    with transaction(db) as s:
        workers = [
            Caseworker(initials=f"C{i:02d}", name=f"Klient {i}", team="Team Job")
            for i in range(CLIENTS)
        ]
        s.add_all(workers)
        s.flush()
        worker_ids = [w.id for w in workers]
    citizens = []
    for index in range(6):
        citizens.append(
            create_citizen(
                db,
                system_actor(),
                {
                    "cpr": f"{index + 10:02d}0390-{1000 + index}",
                    "first_name": "Borger",
                    "last_name": f"Nr{index}",
                },
                today=TODAY,
            ).id
        )
    initial = {c: 0 for c in citizens}
    for citizen in citizens[:4]:
        initial[citizen] = save_plan(db, system_actor(), citizen, 0, {"own_words": "start"}).version
    return worker_ids, citizens, initial


def _run_clients(db: Database, worker_ids: list[int], citizens: list[int]) -> dict[int, list]:
    from concurrent_client import run_client

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        [
            "concurrent_client",
            "app.casework.conversations.conversations",
            "app.casework.plan.plan",
            "psycopg",
        ]
    )
    url = db.engine.url.render_as_string(hide_password=False)
    barrier, results = context.Barrier(CLIENTS), context.Queue()
    processes = [
        context.Process(
            target=run_client,
            args=(url, i, worker_ids[i], citizens, OPERATIONS, barrier, results),
        )
        for i in range(CLIENTS)
    ]
    for process in processes:
        process.start()
    logs: dict[int, list] = {}
    try:
        for _ in processes:
            client, log = results.get(timeout=120)
            logs[client] = log
    except queue.Empty:
        pytest.fail(f"only {len(logs)} of {CLIENTS} clients answered")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    return logs


def test_twenty_clients_lose_no_acknowledged_write_and_every_conflict_is_reported(
    pg_db: Database,
) -> None:
    worker_ids, citizens, initial = _setup(pg_db)
    logs = _run_clients(pg_db, worker_ids, citizens)

    errors = [entry[1] for log in logs.values() for entry in log if entry[0] == "error"]
    assert errors == [], errors[0]
    assert all(len(log) == OPERATIONS for log in logs.values()), "every operation was answered"
    booked = {(e[1], e[2], e[3]) for log in logs.values() for e in log if e[0] == "booked"}
    saved = [e[1:] for log in logs.values() for e in log if e[0] == "saved"]
    conflicts = [e[1:] for log in logs.values() for e in log if e[0] == "conflict"]
    assert booked and saved and conflicts, "the mix exercised bookings, saves and lost races"

    with transaction(pg_db) as s:
        # 1. Every acknowledged booking is there, and nothing else.
        rows = s.exec(select(Conversation.citizen_id, Conversation.id, Conversation.note)).all()
        assert set(rows) == booked

        # 2. No lost update: per citizen the acknowledged saves form one unbroken chain of
        #    versions from the first, the plan holds the last one, and the plan's history holds
        #    every acknowledged text in order.
        by_citizen: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for citizen, loaded, version, tag in saved:
            assert version > loaded
            by_citizen[citizen].append((loaded, version, tag))
        for citizen in citizens:
            chain = sorted(by_citizen[citizen])
            versions = [initial[citizen]] + [version for _, version, _ in chain]
            assert [loaded for loaded, _, _ in chain] == versions[:-1], (
                "each save built on the last"
            )
            plan = s.exec(select(Plan).where(Plan.citizen_id == citizen)).first()
            if chain:
                assert (plan.version, plan.own_words) == (chain[-1][1], chain[-1][2])
            history = s.exec(
                select(PlanVersion.snapshot)
                .where(PlanVersion.citizen_id == citizen)
                .order_by(PlanVersion.number)
            ).all()
            texts = [json.loads(h)["fields"].get("own_words") for h in history]
            assert texts[len(texts) - len(chain) :] == [tag for _, _, tag in chain]

        # 3. Every conflict was a real lost race: someone else's acknowledged save started from
        #    the same version, and the refused text was stored nowhere.
        stored = {tag for _, _, tag in (e for chain in by_citizen.values() for e in chain)}
        for citizen, loaded, tag in conflicts:
            assert any(other[0] == loaded for other in by_citizen[citizen]), (citizen, loaded)
            assert tag not in stored

        # 4. The audit log has exactly one event per acknowledged write, by its client.
        events = s.exec(
            select(AuditEvent).where(AuditEvent.user_initials.startswith("C"))  # type: ignore[union-attr]
        ).all()
    bookings = {(e.user_initials, e.entity_id) for e in events if e.action == "book_conversation"}
    assert bookings == {
        (f"C{client:02d}", entry[2])
        for client, log in logs.items()
        for entry in log
        if entry[0] == "booked"
    }
    plan_events = sorted(
        (e.user_initials, e.citizen_id, json.loads(e.details)["new"]["own_words"])
        for e in events
        if e.entity == "plan"
    )
    assert plan_events == sorted(
        (f"C{client:02d}", entry[1], entry[4])
        for client, log in logs.items()
        for entry in log
        if entry[0] == "saved"
    )
    assert len(events) == len(bookings) + len(plan_events), "no event for a refused write"


def test_a_write_blocked_by_another_desk_waits_a_bounded_time_then_says_busy(
    pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from app.domain.errors import LockedDatabaseError
    from app.store import engine

    citizen = create_citizen(
        pg_db,
        system_actor(),
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=TODAY,
    ).id
    version = save_plan(pg_db, system_actor(), citizen, 0, {"own_words": "først"}).version
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 300)
    desk = engine.open_url(pg_db.engine.url.render_as_string(hide_password=False))
    try:
        with pg_db.engine.connect() as other:
            other.exec_driver_sql(f"SELECT id FROM plan WHERE citizen_id = {citizen} FOR UPDATE")
            started = time.monotonic()
            with pytest.raises(LockedDatabaseError):
                save_plan(desk, system_actor(), citizen, version, {"own_words": "venter"})
            assert 0.25 < time.monotonic() - started < 5
            names = other.exec_driver_sql(
                "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = current_database()"
            ).scalars()
            assert "Min Plan" in set(names)
            other.rollback()
        with transaction(pg_db) as s:
            assert s.exec(select(Plan.own_words).where(Plan.citizen_id == citizen)).one() == "først"
    finally:
        desk.dispose()
