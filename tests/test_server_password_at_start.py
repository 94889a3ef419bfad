"""The team server's password at a start's first screen (``server_password.password_at_start``):
read from the key store noted at an earlier start, without keyring's search of every installed
backend; a wrong guess leaves the start to the ordinary one, which searches (issue #19)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import select

from app.casework.core.actor import Actor
from app.demo.data import populate
from app.store import keystore, keystore_choice, server_password
from app.store.engine import Database, open_url, transaction
from app.store.first_screen import read_server_first_screen
from app.store.models import Caseworker
from tests.test_postgres_roles import run_script

ENTRY = "kl@db.example:5432/minplan"
TODAY = date(2026, 11, 23)


@pytest.fixture
def no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    def searched() -> None:
        raise AssertionError("keyring was asked to search")

    monkeypatch.setattr(keystore, "current_backend", searched)


def test_the_password_comes_from_the_noted_store_without_a_search(
    keyring_searches: Path,
    memory_keyring,
    monkeypatch: pytest.MonkeyPatch,
    no_search: None,
) -> None:
    memory_keyring.set_password(server_password.SERVICE, ENTRY, "s3cret")
    monkeypatch.setattr(keystore_choice, "remembered", lambda: memory_keyring)
    assert server_password.password_at_start(ENTRY) == "s3cret"
    assert server_password.password_at_start("kl@db.example:5432/other") is None


def test_a_noted_store_that_cannot_be_read_gives_no_password(
    keyring_searches: Path,
    memory_keyring,
    monkeypatch: pytest.MonkeyPatch,
    no_search: None,
) -> None:
    """A locked or vanished key store at the first screen: no password and no error (the
    ordinary start then asks keyring and says what is wrong)."""

    def locked(*_args: object) -> None:
        raise OSError("the key store's D-Bus service went away")

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    monkeypatch.setattr(keystore_choice, "remembered", lambda: memory_keyring)
    assert server_password.password_at_start(ENTRY) is None


def test_a_noted_plain_file_gives_no_password_and_is_not_read(
    keyring_searches: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_search: None,
) -> None:
    keystore_choice.remember(PlaintextKeyring())

    def read(*_args: object) -> None:
        raise AssertionError("a password was read from a plain file")

    monkeypatch.setattr(PlaintextKeyring, "get_password", read)
    assert server_password.password_at_start(ENTRY) is None


def test_without_a_note_keyring_searches_and_its_choice_is_noted(
    keyring_searches: Path,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    keyring.set_keyring(PlaintextKeyring())  # what keyring's search found on this computer
    PlaintextKeyring().set_password(server_password.SERVICE, ENTRY, "in a plain file")
    assert server_password.password_at_start(ENTRY) is None, "never from a plain file"
    note = json.loads((isolated_home / "data" / "keystore-choice.json").read_text())
    assert note["backend"] == "keyrings.alt.file.PlaintextKeyring"


def _backends_loaded(home: Path, tmp_path: Path, noted: bool) -> list[str]:
    """The key store modules a child process has loaded after ``password_at_start``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON_KEYRING", "KEYRING"))}
    env.update(
        MINPLAN_HOME=str(home),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        MINPLAN_ALLOW_PLAINTEXT_KEYRING="1",
    )
    if noted:
        keystore_choice.remember(PlaintextKeyring())
    else:
        (home / "data" / "keystore-choice.json").unlink(missing_ok=True)
    code = (
        "import sys; from app.store import server_password; "
        f"assert server_password.password_at_start({ENTRY!r}) is None; "
        "print(' '.join(m for m in sys.modules if m.startswith('keyring.backends.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_a_start_with_a_note_loads_no_other_key_store(
    keyring_searches: Path,
    isolated_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    searched = _backends_loaded(isolated_home, tmp_path, noted=False)
    assert "keyring.backends.SecretService" in searched, "the search loads every backend"
    noted = _backends_loaded(isolated_home, tmp_path, noted=True)
    assert not {"keyring.backends.SecretService", "keyring.backends.kwallet"} & set(noted)


@pytest.mark.postgres
def test_a_password_the_noted_store_lacks_leaves_the_start_to_the_ordinary_one(
    pg_db: Database, actor: Actor, pg_login, memory_keyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A note that is wrong (the password is elsewhere): the server refuses the first screen's
    connection, the first screen gives way, and the ordinary start finds the password."""
    run_script(pg_db)
    populate(pg_db, actor, citizens=30, seed=3, as_of=TODAY)
    url, password = pg_login("minplan_caseworker")
    server_password.store_password(url, password)  # in the suite's key store
    with transaction(pg_db) as s:
        initials = s.execute(
            text("SELECT initials FROM caseworker WHERE role = 'caseworker' ORDER BY id")
        ).scalar()
        row = s.exec(select(Caseworker).where(Caseworker.initials == initials)).one()
        row.login = make_url(url).username
    monkeypatch.setattr(keystore_choice, "remembered", lambda: PlaintextKeyring())
    assert read_server_first_screen(url, user=None, demo=False, today=TODAY) is None
    desk = open_url(url)  # the ordinary start: keyring's own choice has the password
    desk.dispose()
    monkeypatch.setattr(keystore_choice, "remembered", lambda: memory_keyring)
    first = read_server_first_screen(url, user=None, demo=False, today=TODAY)
    assert first is not None and first.actor.initials == initials
