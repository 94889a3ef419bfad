"""The database file and its WAL hold no citizen data in plain bytes; only the key opens them.

Synthetic rows go in through the use cases; a connection stays open so that the ``-wal`` file
still holds the newest pages when its bytes are searched.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import shutil
import sqlite3
import subprocess
import types
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3.dbapi2 as dbapi2
from sqlalchemy import text

from app.casework.citizens.citizens import create_citizen
from app.casework.citizens.journal import add_note
from app.casework.plan.plan import save_plan
from app.store import cipher, engine
from app.store.cipher import SQLITE_HEADER, DatabaseKey, FileKind
from app.store.engine import Database, open_sqlite, transaction
from app.store.migrations import upgrade

#: About the SQLite file and its key (SQLCipher): not run again on PostgreSQL.
pytestmark = pytest.mark.sqlite_only

TODAY = date(2026, 11, 23)
CPR = "150390-1234"
SECRETS = [
    b"1503901234",
    b"150390-1234",
    "Ørsted".encode(),
    b"Kirstine",
    "Borgeren fortæller om sin ryg".encode(),
    b"Butiksassistent hos Brugsen",
]


@pytest.fixture
def filled(tmp_path: Path, actor) -> Database:  # type: ignore[no-untyped-def]
    db = open_sqlite(tmp_path / "minplan.db")
    upgrade(db, backup=False)
    citizen = create_citizen(
        db,
        actor,
        {"cpr": CPR, "first_name": "Kirstine", "last_name": "Ørsted"},
        today=TODAY,
    ).id
    save_plan(db, actor, citizen, None, {"job_goal": "Butiksassistent hos Brugsen"}, today=TODAY)
    add_note(db, actor, citizen, "Borgeren fortæller om sin ryg og om sin søn", today=TODAY)
    return db


def test_the_file_and_its_wal_hold_no_cpr_name_or_note_in_plain_bytes(filled: Database) -> None:
    path = filled.path
    assert path is not None
    with filled.engine.connect() as conn:  # an open connection: nothing checkpointed away yet
        assert conn.execute(text("SELECT count(*) FROM journal_note")).scalar() == 1
        wal = Path(f"{path}-wal")
        assert wal.exists() and wal.stat().st_size > 0, "the WAL must hold pages to prove this"
        for name in (path, wal, Path(f"{path}-shm")):
            data = name.read_bytes() if name.exists() else b""
            for secret in SECRETS:
                assert secret not in data, f"{secret!r} in plain bytes in {name.name}"
    assert path.read_bytes()[:16] != SQLITE_HEADER
    filled.dispose()


def test_the_same_rows_in_an_unencrypted_file_are_readable_so_the_test_can_fail(
    tmp_path: Path, actor
) -> None:  # type: ignore[no-untyped-def]
    db = open_sqlite(tmp_path / "plain.db", encryption=False)
    upgrade(db, backup=False)
    create_citizen(
        db, actor, {"cpr": CPR, "first_name": "Kirstine", "last_name": "Ørsted"}, today=TODAY
    )
    with db.engine.connect():
        raw = Path(f"{db.path}-wal").read_bytes() + db.path.read_bytes()  # type: ignore[union-attr]
        assert b"Kirstine" in raw
    db.dispose()


def test_connections_use_the_measured_page_cache_and_sqlcipher_4_defaults(filled: Database) -> None:
    with filled.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -engine.CACHE_SIZE_KIB
        assert conn.exec_driver_sql("PRAGMA cipher_page_size").scalar() == "4096"
        assert conn.exec_driver_sql("PRAGMA cipher_version").scalar().startswith("4.")
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    filled.dispose()


def test_plain_sqlite_and_a_wrong_key_cannot_open_it(
    filled: Database, capfd: pytest.CaptureFixture[str]
) -> None:
    path = filled.path
    assert path is not None
    filled.dispose()
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT count(*) FROM citizen").fetchone()
    wrong = DatabaseKey(bytes(32), cipher.read_salt(path))
    assert not cipher.key_opens(path, wrong)
    connection = cipher.connect(path, wrong)
    with pytest.raises(dbapi2.DatabaseError, match="not a database"):
        connection.execute("SELECT count(*) FROM citizen").fetchone()
    connection.close()
    assert "hmac" not in capfd.readouterr().err.lower(), "a wrong key must not print to stderr"


def test_the_key_is_the_first_statement_and_never_in_the_url_repr_or_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    connections: list[list[str]] = []  # the statements of each new connection, in order

    def traced_connect(*args, **kwargs):  # type: ignore[no-untyped-def]
        connection = dbapi2.connect(*args, **kwargs)
        connections.append([])
        connection.set_trace_callback(connections[-1].append)
        return connection

    traced = types.SimpleNamespace(
        **{name: getattr(dbapi2, name) for name in dir(dbapi2) if not name.startswith("__")}
    )
    traced.connect = traced_connect
    monkeypatch.setattr(engine, "dbapi2", traced)
    caplog.set_level(logging.DEBUG)
    db = open_sqlite(tmp_path / "k.db")
    upgrade(db, backup=False)
    with transaction(db) as s:
        s.execute(text("SELECT count(*) FROM citizen"))
    assert db.cipher_key is not None
    secret = db.cipher_key.key.hex()
    assert len(connections) >= 2  # the app's pool and the migration's own engine
    for statements in connections:
        assert statements[0] == "PRAGMA cipher_log_level = NONE"
        assert statements[1].startswith("PRAGMA key = \"x'") and secret in statements[1]
        assert not any(secret in s for s in statements[2:])
    assert secret not in str(db.engine.url) and secret not in repr(db)
    assert secret not in caplog.text and secret.upper() not in caplog.text
    db.dispose()


def _sqlcipher_shell() -> str | None:
    shell = shutil.which("sqlcipher")
    if shell is None:
        return None
    version = subprocess.run(
        [shell, ":memory:"], input="PRAGMA cipher_version;\n", capture_output=True, text=True
    ).stdout.strip()
    match = re.match(r"(\d+)\.", version)
    return shell if match and int(match.group(1)) >= 4 else None


@pytest.mark.skipif(
    _sqlcipher_shell() is None,
    reason="needs a sqlcipher shell of SQLCipher 4 or newer (Debian 12 ships 3.4.1, which cannot "
    "read SQLCipher 4 files; Debian 13 ships 4.6); the format is checked independently below",
)
def test_the_sqlcipher_shell_opens_it_with_the_key(filled: Database) -> None:
    path, key = filled.path, filled.cipher_key
    assert path is not None and key is not None
    filled.dispose()
    commands = f"{key.pragma()};\nSELECT last_name FROM citizen;\n"  # the key on stdin only
    result = subprocess.run(
        [_sqlcipher_shell(), str(path)], input=commands, capture_output=True, text=True
    )
    assert result.stdout.strip().splitlines()[-1] == "Ørsted", result.stderr


def test_the_file_is_standard_sqlcipher_4_checked_without_sqlcipher(filled: Database) -> None:
    """Page 1 decrypts with AES-256-CBC under the raw key, and its HMAC-SHA512 (key from
    PBKDF2-HMAC-SHA512 over the salt xor 0x3a, 2 rounds) is right: any SQLCipher 4 reads it."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    path, key = filled.path, filled.cipher_key
    assert path is not None and key is not None
    filled.dispose()
    page = path.read_bytes()[:4096]
    reserve = 16 + 64
    salt, body = page[:16], page[16 : 4096 - reserve]
    iv, mac = page[4096 - reserve : 4096 - 64], page[4096 - 64 :]
    assert salt == key.salt
    hmac_key = hashlib.pbkdf2_hmac("sha512", key.key, bytes(b ^ 0x3A for b in salt), 2, 32)
    expected = hmac.new(hmac_key, body + iv + (1).to_bytes(4, "little"), "sha512").digest()
    assert hmac.compare_digest(mac, expected)
    plain = Cipher(algorithms.AES(key.key), modes.CBC(iv)).decryptor().update(body)
    # the SQLite header from byte 16 on: page size 4096, reserve 80 bytes, payload fractions
    assert plain[0:2] == (4096).to_bytes(2, "big")
    assert plain[4] == reserve and plain[5:8] == bytes([64, 32, 32])


def test_backups_are_encrypted_like_the_source_and_find_the_same_key(
    filled: Database, tmp_path: Path
) -> None:
    from app.store.backup import backup_sqlite, restore_sqlite

    path = filled.path
    assert path is not None
    copy = backup_sqlite(path, tmp_path / "copies", label="manual")
    assert cipher.file_kind(copy) is FileKind.ENCRYPTED
    assert cipher.read_salt(copy) == cipher.read_salt(path)
    for secret in SECRETS:
        assert secret not in copy.read_bytes()
    filled.dispose()
    moved = tmp_path / "elsewhere" / "renamed.db"
    moved.parent.mkdir()
    shutil.copyfile(copy, moved)  # a copied, renamed file still finds its key
    again = open_sqlite(moved, create=False)
    with transaction(again) as s:
        assert s.execute(text("SELECT last_name FROM citizen")).scalar() == "Ørsted"
    again.dispose()
    restore_sqlite(copy, path)
    assert cipher.file_kind(path) is FileKind.ENCRYPTED


def test_the_demo_database_is_encrypted_too(tmp_path: Path) -> None:
    from app.demo.data import write_demo_database

    path = tmp_path / "demo.db"
    summary = write_demo_database(path, citizens=5, seed=1, as_of=TODAY)
    assert cipher.file_kind(path) is FileKind.ENCRYPTED
    assert summary.recovery_key and summary.database_id
    db = open_sqlite(path, create=False)
    with transaction(db) as s:
        assert s.execute(text("SELECT count(*) FROM citizen")).scalar() == 5
    db.dispose()
