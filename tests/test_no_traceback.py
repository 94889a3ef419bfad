"""No traceback ever reaches a user (issue 15, line 8): a full disk during ``db rekey``, a rule
override with a huge number, deep nesting or 44 MB, a key store Min Plan cannot use
(``EncryptedKeyring``), a 100 000-character search. Each gets a calm message in the user's
language and exit status 2 (the deadlines keep the last good rules and still say so with 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as dbapi2
from qt_reads import wait_idle

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import system_actor
from app.cli import main
from app.store import cipher, conversion
from app.store.cipher import DatabaseKey
from app.store.engine import open_sqlite
from app.store.migrations import upgrade

TODAY = date(2026, 11, 23)


def make_db(path: Path) -> None:
    db = open_sqlite(path, encryption=True)
    upgrade(db, backup=False)
    create_citizen(
        db, system_actor(), {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}
    )
    db.dispose()


@pytest.mark.sqlite_only
def test_db_rekey_on_a_full_disk_changes_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path)
    salt = cipher.read_salt(path)

    def export_onto_a_full_disk(guard: dbapi2.Connection, target: Path, key: DatabaseKey) -> None:
        raw = f"x'{key.key.hex()}{key.salt.hex()}'"
        guard.execute("ATTACH DATABASE ? AS converted KEY ?", (str(target), raw))
        try:
            guard.execute("PRAGMA converted.max_page_count = 2")  # the disk fills up at once
            guard.execute("SELECT sqlcipher_export('converted')")
        finally:
            guard.execute("DETACH DATABASE converted")

    monkeypatch.setattr(conversion, "_export", export_onto_a_full_disk)
    assert main(["db", "rekey", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Disken er fuld" in err and "blev ikke ændret" in err and "Traceback" not in err
    assert cipher.read_salt(path) == salt, "the old file and key are untouched"
    assert not conversion.temporary_path(path).exists()
    db = open_sqlite(path, create=False)  # still opens with its old key
    db.dispose()


OVERRIDE = """
[rule_set]
name = "LAB 2026"
valid_from = 2026-07-01

[[rule]]
id = "four_in_six_months"
title = "5 jobsamtaler in the first 6 months (local goal)"
kind = "count_in_window"
groups = ["kontanthjaelp_jobparat"]
count = 5
window = { from_months = 0, to_months = 6 }
source = "Local goal, Jobcenter Eksempel"
confidence = "high"
"""


@pytest.mark.parametrize(
    "content",
    [
        OVERRIDE.replace("count = 5", "count = 99999999999999999999"),
        OVERRIDE.replace("to_months = 6", "to_months = 100000000"),
        "x = " + "[" * 100_000 + "]" * 100_000,
        OVERRIDE + "# " + "x" * (44 * 1024 * 1024) + "\n",
    ],
    ids=["huge-count", "huge-window", "deep-nesting", "44-MB"],
)
def test_a_bad_rule_override_keeps_the_last_good_rules_and_says_so(
    db_args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(content, encoding="utf-8")
    monkeypatch.setenv("MINPLAN_RULES", str(rules))
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")
    assert main(["deadlines", *db_args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Advarsel: ") and "rules.toml" in err and "Traceback" not in err
    assert "0 krav" in err, "the list was still made, with the last good rules"


# --- a key store Min Plan cannot use -----------------------------------------------------------
def test_an_encrypted_keyring_backend_gets_a_calm_message_and_status_2(
    tmp_path: Path, isolated_home: Path
) -> None:
    """keyrings.alt's ``EncryptedKeyring`` cannot even be loaded without pycryptodome (and is a
    file store Min Plan refuses when it can): either way a calm message, never a traceback."""
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "MINPLAN_HOME": str(isolated_home),
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.EncryptedKeyring",
        "MINPLAN_LANG": "da",
    }
    env.pop("MINPLAN_ALLOW_PLAINTEXT_KEYRING", None)
    for command in (["db", "keystore"], ["db", "upgrade", "--db", str(tmp_path / "new.db")]):
        done = subprocess.run(
            [sys.executable, "-m", "app", *command],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith("Fejl: ") and "Traceback" not in done.stderr


def test_a_key_store_that_cannot_be_loaded_or_read_is_named_calmly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    from app import i18n
    from app.domain.errors import KeyringUnavailable
    from app.store import keystore

    def cannot_load() -> None:
        raise RuntimeError("pycryptodome/x required")

    monkeypatch.setattr(keyring, "get_keyring", cannot_load)
    with pytest.raises(KeyringUnavailable) as refused:
        keystore.open_store()
    assert "Vælg et andet" in i18n.translate_error(refused.value)

    class AsksForItsPassword(KeyringBackend):  # like EncryptedKeyring with a wrong password
        priority = 5  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            raise ValueError("Incorrect Password")

        def set_password(self, service: str, username: str, password: str) -> None:
            raise EOFError

        def delete_password(self, service: str, username: str) -> None:
            raise ValueError("Incorrect Password")

    store = keystore.KeyStore(AsksForItsPassword(), protected=True)
    with pytest.raises(KeyringUnavailable):
        store.get("abc")
    with pytest.raises(KeyringUnavailable):
        store.put(DatabaseKey.generate())
    store.delete("abc")  # best effort: never raises


# --- a 100 000-character search ----------------------------------------------------------------
LONG_SEARCHES = [
    "abc " * 25_000,  # many words: a query deeper than SQLite takes
    "x" * 100_000,  # one word: a LIKE pattern longer than SQLite takes
    "12.3.1990 " * 10_000,
]


@pytest.mark.parametrize("text", LONG_SEARCHES, ids=["words", "one-word", "dates"])
def test_a_100000_character_search_finds_nothing_calmly(db, text: str) -> None:  # type: ignore[no-untyped-def]
    from app.casework.citizens.citizen_list import find_citizen_ids
    from app.casework.offers.companies import find_companies

    assert find_citizen_ids(db, text) == []
    assert find_companies(db, text) == []


def test_the_cli_searches_with_100000_characters_calmly(
    db_args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")  # the first user: admin
    long = "x" * 100_000
    out = str(tmp_path / "log.csv")
    for option in ("--by", "--cpr"):
        code = main(["audit", "search", option, long, "--out", out, *db_args])
        err = capsys.readouterr().err
        assert code in (0, 2) and "Traceback" not in err
        if code == 2:
            assert err.startswith("Fejl: ") and len(err) < 2_000, "the message does not echo it"
    code = main(["deadlines", "--caseworker", long, *db_args])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Fejl: ") and "Traceback" not in err


def test_the_window_takes_a_pasted_100000_character_search_calmly(qtbot, db) -> None:  # type: ignore[no-untyped-def]
    from app.casework.core.actor import Actor
    from app.domain.search import MAX_SEARCH_CHARS
    from app.store.engine import transaction
    from app.store.models import Caseworker
    from app.ui.casework.context import UiContext
    from app.ui.main_window import MainWindow

    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", role="caseworker")
        s.add(karen)
        s.flush()
        me = Actor(karen.id, "KL", "Karen Lund", "caseworker", "karen")
    create_citizen(db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"})
    win = MainWindow(UiContext(db, me, lambda: TODAY))
    qtbot.addWidget(win)
    problems: list[object] = []
    win.show_problem = problems.append  # type: ignore[method-assign]
    page = win.citizens
    for text in LONG_SEARCHES:
        page.search.setText(text)
        page.apply_filter()
        wait_idle(qtbot, win.ctx.ops)
        assert len(page.search.text()) == MAX_SEARCH_CHARS, "the field cuts a pasted page"
        assert page.model.rowCount() == 0
        assert "højst være 200 tegn" in page.count.text()
    assert problems == []
    page.search.setText("Åse")
    page.apply_filter()
    wait_idle(qtbot, win.ctx.ops)
    assert page.model.rowCount() == 1
