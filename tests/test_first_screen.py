"""The first screen read through the driver (``app.store.first_screen``) signs in the user the
ordinary start signs in and shows the day it shows; wherever the ordinary start would refuse,
make the first user, upgrade or rebuild, it gives None so that the ordinary start does that."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from app.casework.core.actor import Actor
from app.casework.core.sign_in import resolve_actor
from app.casework.deadlines.today import day_overview
from app.demo.data import populate
from app.domain.dates import local_today
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


def test_the_helper_reads_the_day_and_key_the_start_would_read(
    sqlite_db: Database, actor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The helper of ``app.store.first_screen_ahead``, a process of its own with the start's
    environment and key store, answers with the same user, day and key as the read here."""
    from file_keyring import PlaintextFileKeyring

    from app.store import audit_key, first_screen_ahead
    from tests.conftest import ROOT

    populate(sqlite_db, actor, citizens=80, seed=6, as_of=TODAY)
    with transaction(sqlite_db) as s:
        initials = list(
            s.execute(
                text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id")
            ).scalars()
        )[:3]
    for user in initials:
        day_overview(sqlite_db, _ordinary(sqlite_db, user), TODAY)  # the requirements kept
    keys = tmp_path / "child-keyring.json"
    _copy_keys(sqlite_db, PlaintextFileKeyring(keys))
    assert sqlite_db.path is not None
    path = sqlite_db.path
    with transaction(sqlite_db) as s:
        chain, check = s.execute(
            text("SELECT database_id, key_check FROM audit_chain WHERE id = 1")
        ).one()
    log_key = audit_key.get_key(chain, check)
    for name, value in {
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
        "MINPLAN_TEST_KEYRING_FILE": str(keys),
        "PYTHON_KEYRING_BACKEND": "file_keyring.PlaintextFileKeyring",
        "MINPLAN_ALLOW_PLAINTEXT_KEYRING": "1",
    }.items():
        monkeypatch.setenv(name, value)
    compared = 0
    for user in initials:
        here = _first(sqlite_db, user)
        assert here is not None
        compared += bool(here.day.overdue_count + len(here.day.due_soon))
        helper = first_screen_ahead.start_file(
            path, user=user, demo=False, encryption=None, today=TODAY
        )
        assert helper is not None
        there = helper.first_screen()
        assert there is not None, "the helper answered"
        assert (there.actor, there.day) == (here.actor, here.day)
        assert there.db.cipher_key == sqlite_db.cipher_key, "the key it opened the file with"
        assert there.db.encryption.database_id == here.db.encryption.database_id
        assert "PlaintextFileKeyring" in str(there.db.encryption.key_store), "the child's store"
        assert there.db.path == path and not there.db.engine_made
        assert audit_key._handed == {chain: log_key}, "the access-log key it checked"
    assert compared, "days with lines were compared"
    helper = first_screen_ahead.start_file(
        path, user="ZZZ", demo=False, encryption=None, today=TODAY
    )
    assert helper is not None and helper.first_screen() is None, "no such user: none"
    missing = tmp_path / "missing.db"
    helper = first_screen_ahead.start_file(
        missing, user=None, demo=False, encryption=None, today=TODAY
    )
    assert helper is not None and helper.first_screen() is None, "no file: none"
    assert not missing.exists(), "and none was made"


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


#: ``minplan`` started as a desk starts it: input arrives at once, while the ORM still loads
#: behind the window; every action waits for it and then works, in Qt's own event loop.
INPUT_AT_ONCE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import app.ui.application as application

    def at_once(db, **options):
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from app.ui import orm_loader

        window = application.open_main_window(db, **options)
        app = QApplication.instance()
        seen = {
            "through_the_driver": options.get("first") is not None,
            "psycopg_before_window": "psycopg" in sys.modules,
            "keyring_before_window": "keyring" in sys.modules,
        }

        def step_1():
            seen["loaded_before_input"] = "app.store.models" in sys.modules
            nav = window.nav  # a click on "My citizens", at once
            where = nav.visualItemRect(nav.item(1)).center()
            QTest.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=where)
            seen["loaded_after_click"] = orm_loader._current.loaded
            QTimer.singleShot(0, step_2)

        def step_2():
            page = window.pages.built("citizens")
            seen["citizens_shown"] = page is not None and window.pages.currentWidget() is page
            seen["citizens"] = page.model.rowCount() if page is not None else 0
            window.nav.setCurrentRow(0)
            QTest.keyClick(window.today_page.table, Qt.Key.Key_F5)
            window.today_page.refresh()
            seen["today_lines"] = len(window.today_page.lines)
            seen["loaded"] = orm_loader._current is not None and orm_loader._current.loaded
            seen["keyring_at_end"] = "keyring" in sys.modules
            Path(sys.argv[1]).write_text(json.dumps(seen))
            window.close()

        QTimer.singleShot(0, step_1)
        return app.exec()

    application.run_gui = at_once
    from app.cli import main

    sys.exit(main(sys.argv[2:]))
    """
)


@pytest.mark.parametrize("helper", ["1", "0"])
def test_input_while_the_orm_loads_waits_for_it_and_then_works(
    sqlite_db: Database, actor: Actor, tmp_path: Path, helper: str
) -> None:
    """``minplan --db …`` as a desk starts it: the window opens on the day read through the
    driver (in the helper of ``app.store.first_screen_ahead``, or with it turned off in the
    start's own process, which then loads the key store before the window)."""
    from file_keyring import PlaintextFileKeyring

    from app.store import start_check
    from tests.conftest import ROOT, cli_args

    populate(sqlite_db, actor, citizens=60, seed=4, as_of=TODAY)
    with transaction(sqlite_db) as s:
        user = s.execute(text("SELECT initials FROM caseworker WHERE role = 'caseworker'")).first()
    assert user is not None
    day_overview(sqlite_db, _ordinary(sqlite_db, user[0]), local_today())
    keys = tmp_path / "child-keyring.json"  # the database's and its access log's keys
    _copy_keys(sqlite_db, PlaintextFileKeyring(keys))
    sqlite_db.dispose()
    assert sqlite_db.path is not None
    start_check.remember_good(sqlite_db.path)
    start_check.remember_clean_close(sqlite_db.path)
    out = tmp_path / "seen.json"
    done = subprocess.run(
        [sys.executable, "-c", INPUT_AT_ONCE, str(out), *cli_args(sqlite_db), "--user", user[0]],
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]),
            "MINPLAN_TEST_KEYRING_FILE": str(keys),
            "PYTHON_KEYRING_BACKEND": "file_keyring.PlaintextFileKeyring",
            "MINPLAN_ALLOW_PLAINTEXT_KEYRING": "1",
            "QT_QPA_PLATFORM": "offscreen",
            "MINPLAN_FIRST_SCREEN_HELPER": helper,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    input_waited_for_the_orm(out)
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["keyring_before_window"] is (helper == "0"), "read in the helper, or here"
    # with the helper, the keys it read were handed over: this process never loaded keyring
    assert seen["keyring_at_end"] is (helper == "0")


def input_waited_for_the_orm(out: Path) -> None:
    """What ``INPUT_AT_ONCE`` saw: the window on the driver's day, a click that waited for the
    ORM, then the list built and read, and I dag read again."""
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["through_the_driver"] and not seen["loaded_before_input"]
    assert seen["loaded_after_click"], "the click waited for the ORM"
    assert seen["citizens_shown"] and seen["citizens"] > 0, "then the list was built and read"
    assert seen["loaded"] and seen["today_lines"] > 0


def _copy_keys(db: Database, child_store: Any) -> None:
    """The database key and the access-log key, as this process holds them, into a store a
    child process can read."""
    import base64

    from app.store import audit_key, keystore

    key = db.cipher_key
    assert key is not None
    child_store.set_password(keystore.SERVICE, key.database_id, key.key.hex())
    with transaction(db) as s:
        chain, check = s.execute(
            text("SELECT database_id, key_check FROM audit_chain WHERE id = 1")
        ).one()
    secret = base64.b64encode(audit_key.get_key(chain, check)).decode("ascii")
    child_store.set_password(audit_key.SERVICE, chain, secret)
