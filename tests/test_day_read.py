"""I dag read through the driver (``app.store.day_read``, the first screen of a start, before the
ORM is loaded) is the day the ORM reads (``day_overview``): the same lines in the same order, on a
generated demo jobcenter, for every caseworker, on several days."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app.casework.core.actor import Actor
from app.casework.deadlines.deadline_rule_files import load_rule_sets
from app.casework.deadlines.today import day_overview, own_day_overview
from app.demo.data import populate
from app.domain.day import DayOverview
from app.store.day_read import read_day
from app.store.engine import Database, transaction

TODAY = date(2026, 11, 23)
DAYS = (TODAY, TODAY + timedelta(days=1), TODAY - timedelta(days=40), TODAY + timedelta(days=60))


def _workers(db: Database) -> list[Actor]:
    with transaction(db) as s:
        rows = s.execute(text("SELECT id, initials, name, role FROM caseworker ORDER BY id")).all()
    return [Actor(i, initials, name, role, initials.lower()) for i, initials, name, role in rows]


def _raw(db: Database, worker: int | None, day: date) -> DayOverview | None:
    with db.engine.connect() as conn:
        return read_day(conn.connection.dbapi_connection, worker, day, load_rule_sets().book)


def test_the_driver_reads_the_same_day_as_the_orm_for_every_caseworker(
    db: Database, actor: Actor
) -> None:
    """On a file and on a server (the run's backend): dates as text or as dates, the name order
    by bytes on both."""
    populate(db, actor, citizens=250, seed=19, as_of=TODAY)
    with transaction(db) as s:  # the cases the demo may not have: a conversation held
        # by nobody (shown to the citizen's caseworker) and a deleted citizen (never shown)
        s.execute(text("UPDATE conversation SET caseworker_id = NULL WHERE id % 5 = 0"))
        s.execute(
            text("UPDATE citizen SET deleted_at = '2026-11-01 10:00:00.000000' WHERE id % 17 = 0")
        )
    seen = {"talks": 0, "overdue": 0, "soon": 0, "booking": 0, "milestones": 0}
    for day in DAYS:
        for worker in _workers(db):
            orm = day_overview(db, worker, day)  # first: it rebuilds when it must
            assert _raw(db, worker.caseworker_id, day) == orm, (worker.initials, day)
            assert own_day_overview(db, worker, day) == orm
            seen["talks"] += len(orm.today_conversations) + len(orm.tomorrow_conversations)
            seen["overdue"] += orm.overdue_count
            seen["soon"] += len(orm.due_soon)
            seen["booking"] += len(orm.needs_booking)
            seen["milestones"] += len(orm.milestones)
    assert all(seen.values()), seen  # every section was compared with lines in it


@pytest.mark.sqlite_only
def test_without_a_caseload_or_with_stale_requirements_the_driver_leaves_it_to_the_orm(
    sqlite_db: Database, actor: Actor
) -> None:
    populate(sqlite_db, actor, citizens=40, seed=3, as_of=TODAY)
    assert _raw(sqlite_db, None, TODAY) == DayOverview(TODAY, None)
    worker = _workers(sqlite_db)[-1]
    day_overview(sqlite_db, worker, TODAY)
    assert _raw(sqlite_db, worker.caseworker_id, TODAY) is not None
    # a day beyond the horizon, other rules: the kept requirements must be rebuilt first
    assert _raw(sqlite_db, worker.caseworker_id, TODAY + timedelta(days=3000)) is None
    with transaction(sqlite_db) as s:
        s.execute(text("UPDATE requirement_state SET rules_fingerprint = 'older rules'"))
    assert _raw(sqlite_db, worker.caseworker_id, TODAY) is None
    # the first screen then reads through the ORM, which rebuilds, and the driver follows again
    assert own_day_overview(sqlite_db, worker, TODAY) == day_overview(sqlite_db, worker, TODAY)
    assert _raw(sqlite_db, worker.caseworker_id, TODAY) == day_overview(sqlite_db, worker, TODAY)


@pytest.mark.parametrize(
    "module",
    ["app.store.day_read", "app.ui.today.page", "app.ui.main_window", "app.ui.application"],
)
def test_the_first_screen_imports_neither_sqlalchemy_nor_the_table_classes(module: str) -> None:
    """The read, the page it fills and the window around it: a start can make them before the
    ORM is loaded (the use cases are imported when they are called)."""
    check = (
        f"import sys, {module};"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel',"
        " 'pydantic') or m in ('app.casework', 'app.store.models', 'app.store.engine')];"
        "print(loaded); sys.exit(bool(loaded))"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_citizens_with_the_same_due_date_are_in_danish_name_order_on_either_read(
    db: Database,
) -> None:
    """Zahle before Ærø before Åberg (æ, ø, å after z), the same day due: by the name key's bytes,
    which a server's Danish collation would order otherwise (ICU puts the key's "z{" for æ before
    "za"), and not by the name as text (Å before Æ and Ø)."""
    from app.casework.benefits.spells import start_spell
    from app.casework.citizens.citizens import create_citizen
    from app.store.models import Caseworker

    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", role="caseworker")
        s.add(karen)
        s.flush()
        me = Actor(karen.id, "KL", "Karen Lund", "caseworker", "karen")
    names = ("Ærø", "Zahle", "Åberg")  # made in another order than they are shown
    for n, last in enumerate(names):
        citizen = create_citizen(
            db,
            me,
            {"cpr": f"0101{85 + n}-4321", "first_name": "Ib", "last_name": last},
            today=TODAY,
        ).id
        start_spell(
            db,
            me,
            citizen,
            {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=200)},
        )
    orm = day_overview(db, me, TODAY)
    assert _raw(db, me.caseworker_id, TODAY) == orm
    lines = [line for band in orm.overdue for line in band] + list(orm.due_soon)
    first_due = min(line.deadline.due for line in lines)
    shown = [line.name.split()[-1] for line in lines if line.deadline.due == first_due]
    assert shown == ["Zahle", "Ærø", "Åberg"]
