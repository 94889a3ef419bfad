"""The first screen read through the driver (``app.store.first_screen``) signs in the user the
ordinary start signs in and shows the day it shows; wherever the ordinary start would refuse,
make the first user, upgrade or rebuild, it gives None so that the ordinary start does that."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.casework.core.actor import Actor
from app.casework.core.sign_in import resolve_actor
from app.casework.deadlines.today import day_overview
from app.demo.data import populate
from app.domain.errors import MinPlanError
from app.store.engine import Database, transaction
from app.store.first_screen import FirstScreen, read_first_screen
from app.store.models import Caseworker

TODAY = date(2026, 11, 23)

pytestmark = pytest.mark.sqlite_only


def _as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    """The desk's login, for both starts."""
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: login)
    monkeypatch.setattr("app.domain.users.os_user", lambda: login)


def _first(db: Database, user: str | None = None, demo: bool = False) -> FirstScreen | None:
    assert db.path is not None
    return read_first_screen(db.path, user=user, demo=demo, encryption=None, today=TODAY)


def _ordinary(db: Database, user: str | None = None, demo: bool = False) -> Actor | None:
    try:
        with transaction(db) as session:
            return resolve_actor(session, user, demo=demo)
    except MinPlanError:
        return None


def _same_start(db: Database, user: str | None = None, demo: bool = False) -> FirstScreen | None:
    actor = _ordinary(db, user, demo)
    if actor is None:
        assert _first(db, user, demo) is None, (user, "the ordinary start refuses")
        return None
    day = day_overview(db, actor, TODAY)  # first: it rebuilds the requirements when it must
    first = _first(db, user, demo)
    assert first is not None, (user, actor)
    assert first.actor == actor
    assert first.day == day
    return first


def test_on_the_demo_jobcenter_any_user_or_the_first_caseworker(
    sqlite_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(sqlite_db, actor, citizens=120, seed=5, as_of=TODAY)
    _as(monkeypatch, "nobody-here")
    with transaction(sqlite_db) as s:
        initials = [i for (i,) in s.execute(text("SELECT initials FROM caseworker ORDER BY id"))]
        s.execute(
            text("UPDATE caseworker SET active = 0 WHERE id = (SELECT max(id) FROM caseworker)")
        )
    shown = [_same_start(sqlite_db, user) for user in (*initials[:6], initials[-1], None)]
    assert sum(first is not None for first in shown[:6]) >= 3, "active users were compared"
    assert shown[6] is None, "a deactivated user is refused"
    assert shown[7] is not None and shown[7].actor.role == "caseworker"
    assert _same_start(sqlite_db, "ZZZ") is None, "no such user"
    assert any(first and first.day.overdue_count for first in shown), "days with lines compared"


def test_on_a_real_database_the_login_decides(
    sqlite_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    with transaction(sqlite_db) as s:
        s.add_all(
            [
                Caseworker(initials="KL", name="Karen Lund", role="caseworker", login="jc\\karen"),
                Caseworker(initials="OP", name="Ole Pedersen", role="teamlead"),
                Caseworker(initials="GO", name="Gone Away", role="caseworker", active=False),
            ]
        )
    for login, user in (
        ("JC\\karen", None),  # by the login stored for the user
        ("karen@jc.local", None),
        ("op", None),  # by initials, for a user without a stored login
        ("op", "OP"),
        ("op", "KL"),  # another user: only on the demo database
        ("go", None),  # deactivated
        ("stranger", None),  # not a user
    ):
        _as(monkeypatch, login)
        _same_start(sqlite_db, user)
    _as(monkeypatch, "op")
    assert _same_start(sqlite_db, "KL", demo=True) is not None, "--demo: any user"


def test_what_the_ordinary_start_must_do_is_left_to_it(
    sqlite_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as(monkeypatch, "kl")
    assert _first(sqlite_db) is None, "no users yet: the first user is made by the ordinary start"
    populate(sqlite_db, actor, citizens=30, seed=2, as_of=TODAY)
    with transaction(sqlite_db) as s:
        worker = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker'")
        ).first()
    assert worker is not None
    user = worker[0]
    day_overview(sqlite_db, _ordinary(sqlite_db, user), TODAY)  # requirements current
    assert _first(sqlite_db, user) is not None
    with transaction(sqlite_db) as s:
        s.execute(text("UPDATE requirement_state SET rules_fingerprint = 'older rules'"))
    assert _first(sqlite_db, user) is None, "the requirements are rebuilt by the ordinary start"
    day_overview(sqlite_db, _ordinary(sqlite_db, user), TODAY)
    with transaction(sqlite_db) as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert _first(sqlite_db, user) is None, "a schema to upgrade"
    with transaction(sqlite_db) as s:
        s.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": _head()})
        s.execute(text("UPDATE audit_chain SET key_check = 'another key' WHERE id = 1"))
    assert _first(sqlite_db, user) is None, "an access-log key of another database"


def _head() -> str:
    from app.store.schema_head import head_from_script_lines

    head = head_from_script_lines()
    assert head is not None
    return head


def test_the_engine_is_made_on_first_use_after_the_wait(
    sqlite_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(sqlite_db, actor, citizens=20, seed=3, as_of=TODAY)
    _as(monkeypatch, "x")
    with transaction(sqlite_db) as s:
        user = s.execute(text("SELECT initials FROM caseworker WHERE active")).first()
    assert user is not None
    day_overview(sqlite_db, _ordinary(sqlite_db, user[0]), TODAY)
    waited: list[bool] = []
    assert sqlite_db.path is not None
    first = read_first_screen(
        sqlite_db.path,
        user=user[0],
        demo=False,
        encryption=None,
        today=TODAY,
        before_engine=lambda: waited.append(True),
    )
    assert first is not None and not first.db.engine_made and first.db.is_sqlite
    assert first.db.encrypted == sqlite_db.encrypted
    with transaction(first.db) as s:
        assert s.execute(text("SELECT count(*) FROM caseworker")).scalar()
    assert first.db.engine_made and waited == [True]
    first.db.engine  # noqa: B018 (made once)
    assert waited == [True]
    first.db.dispose()
