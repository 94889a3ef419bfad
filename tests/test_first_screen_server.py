"""The first screen of a start on a team server, read through ``psycopg`` before the ORM is loaded
(``app.store.first_screen.read_server_first_screen``): the URL read as ``open_url`` reads it, the
login's user and day as the ordinary start finds them, under the login's row-level security;
wherever the ordinary start would refuse or must do something first, None."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg
from sqlalchemy.engine import make_url
from sqlmodel import select

from app.casework.core.actor import Actor
from app.casework.core.sign_in import resolve_actor
from app.casework.deadlines.today import day_overview
from app.demo.data import populate
from app.domain.errors import MinPlanError
from app.store import server_password
from app.store.engine import Database, open_url, transaction
from app.store.first_screen import FirstScreen, read_server_first_screen, server_params
from app.store.models import Caseworker
from tests.test_postgres_roles import run_script

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://kl@db.example:5433/minplan",
        "postgresql+psycopg://kl@db.example/minplan?sslmode=verify-full&sslrootcert=/etc/ca.crt",
        "postgresql+psycopg://jc%5Ckaren@db.example/min%20plan?application_name=Desk+7",
        "postgresql+psycopg://postgres@127.0.0.1:5432/x?options=-c+role%3Dminplan_caseworker",
        "postgresql+psycopg:///minplan",
        "postgresql+psycopg://db.example/minplan?connect_timeout=3",
    ],
)
def test_a_server_url_gives_the_driver_what_open_url_gives_it(url: str) -> None:
    _positional, expected = PGDialect_psycopg().create_connect_args(make_url(url))
    assert server_params(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://kl:secret@db.example/minplan",  # refused, with its message
        "postgresql+psycopg://kl@db.example/minplan?password=secret",
        "postgresql+psycopg://kl@[::1]:5432/minplan",
        "postgresql+psycopg://kl@db.example/minplan?sslmode=require&sslmode=disable",
        "postgresql+psycopg://kl@db1,db2/minplan",
        "postgresql+psycopg://kl@db.example:port/minplan",
        "postgresql://kl@db.example/minplan",  # another driver
        "sqlite:///minplan.db",
    ],
)
def test_any_other_url_is_the_ordinary_starts(url: str) -> None:
    assert server_params(url) is None
    assert read_server_first_screen(url, user=None, demo=False, today=TODAY) is None


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=False)


def _as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: login)
    monkeypatch.setattr("app.domain.users.os_user", lambda: login)


def _ordinary(db: Database, user: str | None) -> Actor | None:
    try:
        with transaction(db) as session:
            return resolve_actor(session, user)
    except MinPlanError:
        return None


def _same_start(db: Database, url: str, user: str | None = None) -> FirstScreen | None:
    """The first screen of ``url`` is the ordinary start's on ``db`` (the same login)."""
    actor = _ordinary(db, user)
    first = read_server_first_screen(url, user=user, demo=False, today=TODAY)
    if actor is None:
        assert first is None, (user, "the ordinary start refuses")
        return None
    day = day_overview(db, actor, TODAY)
    if first is None:  # the requirements were rebuilt just now by the ordinary read
        first = read_server_first_screen(url, user=user, demo=False, today=TODAY)
    assert first is not None, (user, actor)
    assert first.actor == actor
    assert first.day == day
    assert not first.db.is_sqlite and not first.db.engine_made
    return first


@pytest.mark.postgres
def test_on_the_server_the_first_screen_is_the_ordinary_starts(
    pg_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(pg_db, actor, citizens=120, seed=5, as_of=TODAY)
    _as(monkeypatch, "nobody-here")  # the owner's login is no user: the demo's users are chosen
    with transaction(pg_db) as s:
        initials = [i for (i,) in s.execute(text("SELECT initials FROM caseworker ORDER BY id"))]
        s.execute(
            text("UPDATE caseworker SET active = false WHERE id = (SELECT max(id) FROM caseworker)")
        )
    url = _url(pg_db)
    shown = [_same_start(pg_db, url, user) for user in (*initials[:5], initials[-1], None)]
    assert sum(first is not None for first in shown[:5]) >= 3, "active users were compared"
    assert shown[5] is None, "a deactivated user is refused"
    assert shown[6] is not None and shown[6].actor.role == "caseworker"
    assert _same_start(pg_db, url, "ZZZ") is None, "no such user"
    assert any(first and first.day.overdue_count for first in shown), "days with lines compared"


@pytest.mark.postgres
def test_as_a_caseworkers_login_the_server_shows_their_day_and_nothing_else(
    pg_db: Database, actor: Actor, pg_login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their own login (its password from the key store), under the server's row-level
    security: the user whose login it is, and their day as the ordinary start reads it."""
    run_script(pg_db)
    populate(pg_db, actor, citizens=120, seed=8, as_of=TODAY)
    with transaction(pg_db) as s:
        busiest = s.execute(
            text(
                "SELECT caseworker.initials FROM caseworker JOIN citizen"
                " ON citizen.caseworker_id = caseworker.id WHERE caseworker.role = 'caseworker'"
                " GROUP BY caseworker.initials ORDER BY count(*) DESC, caseworker.initials LIMIT 1"
            )
        ).scalar_one()
    url, password = pg_login("minplan_caseworker")
    server_password.store_password(url, password)
    with transaction(pg_db) as s:
        row = s.exec(select(Caseworker).where(Caseworker.initials == busiest)).one()
        row.login = make_url(url).username
    _as(monkeypatch, "somebody-else")  # the server's login decides, not the desk's
    desk = open_url(url)
    try:
        first = _same_start(desk, url)
        assert first is not None and first.actor.initials == busiest
        assert first.day.overdue_count or first.day.due_soon, "a day with lines was compared"
        assert _same_start(desk, url, "ZZZ") is None, "another user only on the demo database"
        with transaction(first.db) as s:  # the engine, made once the ORM is there, is the login's
            assert s.execute(text("SELECT session_user")).scalar_one() == make_url(url).username
        first.db.dispose()
    finally:
        desk.dispose()


@pytest.mark.postgres
def test_what_the_ordinary_start_must_do_on_a_server_is_left_to_it(
    pg_db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as(monkeypatch, "kl")
    url = _url(pg_db)
    assert read_server_first_screen(url, user=None, demo=False, today=TODAY) is None, "no users"
    populate(pg_db, actor, citizens=30, seed=2, as_of=TODAY)
    with transaction(pg_db) as s:
        user = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id")
        ).scalar()
    assert user is not None
    assert _same_start(pg_db, url, user) is not None
    with transaction(pg_db) as s:
        s.execute(text("UPDATE requirement_state SET rules_fingerprint = 'older rules'"))
    assert read_server_first_screen(url, user=user, demo=False, today=TODAY) is None
    day_overview(pg_db, _ordinary(pg_db, user), TODAY)  # rebuilds them
    with transaction(pg_db) as s:
        head = s.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        s.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert read_server_first_screen(url, user=user, demo=False, today=TODAY) is None, "schema"
    with transaction(pg_db) as s:
        s.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    unreachable = url.replace(make_url(url).database or "", "no_such_database")
    assert read_server_first_screen(unreachable, user=user, demo=False, today=TODAY) is None


@pytest.mark.postgres
def test_the_server_first_screen_loads_neither_sqlalchemy_nor_the_table_classes(
    pg_db: Database, actor: Actor, subprocess_keyring: dict[str, str]
) -> None:
    """Read in a process of its own, as a start reads it: psycopg, and nothing of the ORM."""
    populate(pg_db, actor, citizens=20, seed=4, as_of=TODAY)
    check = (
        "import sys, datetime;"
        "from app.store.first_screen import read_server_first_screen as read;"
        "first = read(sys.argv[1], user=None, demo=False, today=datetime.date(2026, 11, 23));"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel')"
        " or m == 'app.store.models'];"
        "print(first is not None, 'psycopg' in sys.modules, loaded)"
    )
    done = subprocess.run(
        [sys.executable, "-c", check, _url(pg_db)],
        env=subprocess_keyring,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "[]"]


@pytest.mark.postgres
def test_the_helper_reads_the_day_the_start_would_read(
    pg_db: Database,
    actor: Actor,
    subprocess_keyring: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The helper of ``app.store.first_screen_ahead``, a process of its own with the start's
    environment, answers with the same user and day as the read in this process."""
    from app.store import first_screen_ahead

    monkeypatch.setenv("PYTHONPATH", subprocess_keyring["PYTHONPATH"])  # the test key store
    populate(pg_db, actor, citizens=80, seed=6, as_of=TODAY)
    with transaction(pg_db) as s:
        users = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id")
        ).scalars()
        initials = list(users)[:3]
    url = _url(pg_db)
    compared = 0
    for user in initials:
        day_overview(pg_db, _ordinary(pg_db, user), TODAY)  # the day's requirements kept
        here = read_server_first_screen(url, user=user, demo=False, today=TODAY)
        assert here is not None
        compared += bool(here.day.overdue_count + len(here.day.due_soon))
        helper = first_screen_ahead.start_server(url, user=user, demo=False, today=TODAY)
        assert helper is not None
        there = helper.first_screen()
        assert there is not None, "the helper answered"
        assert (there.actor, there.day) == (here.actor, here.day)
        assert there.db.backend == "postgresql" and not there.db.engine_made
    assert compared, "days with lines were compared"
    helper = first_screen_ahead.start_server(url, user="ZZZ", demo=False, today=TODAY)
    assert helper is not None and helper.first_screen() is None, "no such user: none"


@pytest.mark.postgres
@pytest.mark.parametrize("helper", ["1", "0"])
def test_a_desk_on_a_server_shows_i_dag_first_and_input_waits_for_the_orm(
    pg_db: Database,
    actor: Actor,
    subprocess_keyring: dict[str, str],
    tmp_path: Path,
    helper: str,
) -> None:
    """``minplan --database-url …`` as a desk starts it, in Qt's own event loop: the window
    opens on the day read through psycopg (in the helper, or, with it turned off, in the start's
    own process); a click at once waits for the ORM, then works."""
    from app.domain.dates import local_today
    from tests.conftest import cli_args
    from tests.test_first_screen import INPUT_AT_ONCE, input_waited_for_the_orm

    populate(pg_db, actor, citizens=60, seed=4, as_of=TODAY)
    with transaction(pg_db) as s:
        user = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id LIMIT 1")
        ).scalar_one_or_none()
    assert user is not None
    day_overview(pg_db, _ordinary(pg_db, user), local_today())  # the day's requirements kept
    out = tmp_path / "seen.json"
    done = subprocess.run(
        [sys.executable, "-c", INPUT_AT_ONCE, str(out), *cli_args(pg_db), "--user", user],
        env={
            **subprocess_keyring,
            "QT_QPA_PLATFORM": "offscreen",
            "MINPLAN_FIRST_SCREEN_HELPER": helper,
        },
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    input_waited_for_the_orm(out)
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["psycopg_before_window"] is (helper == "0"), "read in the helper, or here"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("helper", "logged"),
    [
        # it fails after reading the request: the ordinary start reads it all
        ("import sys; sys.stdin.read(); sys.exit(3)", "read by a helper process: False"),
        # it ends before taking the request: the start reads the first screen itself
        ("import sys; sys.exit(3)", "helper took no request"),
    ],
)
def test_a_helper_that_fails_leaves_the_start_to_its_own_read(
    pg_db: Database,
    actor: Actor,
    subprocess_keyring: dict[str, str],
    tmp_path: Path,
    helper: str,
    logged: str,
) -> None:
    """The helper ends with an error (here: it is not the program at all): the program as a
    desk launches it still opens its window and its list of citizens; the log says why."""
    from tests.conftest import cli_args

    populate(pg_db, actor, citizens=30, seed=4, as_of=TODAY)
    with transaction(pg_db) as s:
        user = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id LIMIT 1")
        ).scalar_one()
    launch = (
        "import sys, app.store.first_screen_ahead as ahead, app.store.forked_helper as fork\n"
        "fork.possible = lambda: False\n"  # (a program, not a copy of the launch)
        f"ahead.helper_command = lambda kind: [sys.executable, '-c', {helper!r}]\n"
        "from app.launch import main\n"
        "sys.exit(main())\n"
    )
    ready, home = tmp_path / "ready.json", tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", launch, *cli_args(pg_db), "--user", user],
        env={
            **subprocess_keyring,
            "QT_QPA_PLATFORM": "offscreen",
            "MINPLAN_FIRST_SCREEN_HELPER": "1",
            "MINPLAN_HOME": str(home),
            "MINPLAN_BENCH_READY_FILE": str(ready),
        },
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(ready.read_text(encoding="utf-8"))
    assert seen["painted"] and seen["rows"] > 0, seen
    assert logged in (home / "logs" / "minplan.log").read_text(encoding="utf-8")
