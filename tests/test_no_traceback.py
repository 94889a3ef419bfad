"""No traceback ever reaches a user (issue 15, line 8): a full disk during ``db rekey``, a rule
override with a huge number, deep nesting or 44 MB, a key store Min Plan cannot use
(``EncryptedKeyring``), a 100 000-character search. Each gets a calm message in the user's
language and exit status 2 (the deadlines keep the last good rules and still say so with 2)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as dbapi2

from app.casework.actor import system_actor
from app.casework.citizens import create_citizen
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
