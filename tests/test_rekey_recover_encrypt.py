"""``minplan db recover``, ``db rekey`` and ``db encrypt``: access is never lost, also when the
work is interrupted at any step or the process is killed."""

from __future__ import annotations

import io
import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import system_actor
from app.cli import main
from app.domain.errors import DatabaseError, FileWriteError, KeyringUnavailable, ValidationError
from app.store import cipher, conversion
from app.store.backup import backup_sqlite, integrity_ok
from app.store.cipher import DatabaseKey, FileKind, parse_recovery_key, recovery_key
from app.store.engine import open_sqlite, transaction
from app.store.migrations import upgrade

#: About the SQLite file and its key (SQLCipher): not run again on PostgreSQL.
pytestmark = pytest.mark.sqlite_only

TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent
RECOVERY = re.compile(r"\b(?:[0-9A-Z]{4}-){13}[0-9A-Z]{4}\b")


def make_db(path: Path, *, encryption: bool = True, names: tuple[str, ...] = ("Åse",)) -> None:
    db = open_sqlite(path, encryption=encryption)
    upgrade(db, backup=False)
    for number, name in enumerate(names):
        create_citizen(
            db,
            system_actor(),
            {"cpr": f"15039{number}-1234", "first_name": name, "last_name": "Ørsted"},
            today=TODAY,
        )
    db.dispose()


def names(path: Path) -> list[str]:
    db = open_sqlite(path, create=False, encryption=cipher.file_kind(path) is FileKind.ENCRYPTED)
    try:
        with transaction(db) as s:
            return list(s.execute(text("SELECT first_name FROM citizen ORDER BY id")).scalars())
    finally:
        db.dispose()


def audit_actions(path: Path) -> list[str]:
    db = open_sqlite(path, create=False)
    try:
        with transaction(db) as s:
            return list(s.execute(text("SELECT action FROM audit_event ORDER BY id")).scalars())
    finally:
        db.dispose()


def typed(monkeypatch: pytest.MonkeyPatch, answer: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(answer + "\n"))


# --- recovery keys ------------------------------------------------------------------------------
@given(st.binary(min_size=32, max_size=32))
def test_a_recovery_key_gives_back_exactly_its_key(raw: bytes) -> None:
    shown = recovery_key(DatabaseKey(raw, bytes(16)))
    assert RECOVERY.fullmatch(shown)
    assert parse_recovery_key(shown) == raw
    assert parse_recovery_key(shown.lower().replace("-", " ").replace("0", "o")) == raw


@given(st.binary(min_size=32, max_size=32), st.integers(0, 55), st.integers(1, 31))
def test_a_typing_error_in_a_recovery_key_is_caught(raw: bytes, where: int, shift: int) -> None:
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    chars = list(recovery_key(DatabaseKey(raw, bytes(16))).replace("-", ""))
    chars[where] = alphabet[(alphabet.index(chars[where]) + shift) % 32]
    with pytest.raises(ValidationError):
        parse_recovery_key("".join(chars))


# --- recover ------------------------------------------------------------------------------------
def test_recover_puts_the_key_back_from_the_recovery_key_printed_at_set_up(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "minplan.db"
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    shown = RECOVERY.findall(capsys.readouterr().err)
    assert len(shown) == 1, "the recovery key is printed once when the CLI creates the database"
    memory_keyring.entries.clear()  # a new computer, a reset profile
    assert main(["db", "current", "--db", str(path)]) == 2
    assert "minplan db recover" in capsys.readouterr().err
    typed(monkeypatch, shown[0].lower())
    assert main(["db", "recover", "--db", str(path)]) == 0
    assert "igen i nøglelageret" in capsys.readouterr().out
    assert main(["db", "current", "--db", str(path)]) == 0
    assert audit_actions(path)[-1] == "database.recover"


def test_recover_refuses_a_key_of_another_database_and_a_typo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, other = tmp_path / "mine.db", tmp_path / "other.db"
    make_db(mine)
    assert main(["db", "upgrade", "--db", str(other)]) == 0
    others_key = RECOVERY.findall(capsys.readouterr().err)[0]
    typed(monkeypatch, others_key)
    assert main(["db", "recover", "--db", str(mine)]) == 2
    assert "åbner ikke" in capsys.readouterr().err
    typed(monkeypatch, others_key[:-1] + ("0" if others_key[-1] != "0" else "1"))
    assert main(["db", "recover", "--db", str(mine)]) == 2
    assert "tastefejl" in capsys.readouterr().err
    assert names(mine) == ["Åse"]


# --- rekey --------------------------------------------------------------------------------------
def test_rekey_gives_a_new_key_and_old_backups_still_open(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path, names=("Åse", "Bo"))
    old_salt = cipher.read_salt(path)
    before = backup_sqlite(path, tmp_path / "backups", label="before")
    assert main(["db", "rekey", "--db", str(path)]) == 0
    out = capsys.readouterr()
    assert "ny nøgle" in out.out
    new_recovery = RECOVERY.findall(out.err)
    assert len(new_recovery) == 1
    assert cipher.read_salt(path) != old_salt
    assert names(path) == ["Åse", "Bo"] and integrity_ok(path)
    assert names(before) == ["Åse", "Bo"], "a backup from before the rekey still opens"
    after = backup_sqlite(path, tmp_path / "backups", label="after")
    assert cipher.read_salt(after) == cipher.read_salt(path)
    assert audit_actions(path)[-1] == "database.rekey"
    typed(monkeypatch, new_recovery[0])
    assert main(["db", "recover", "--db", str(path)]) == 0


def test_rekey_and_encrypt_refuse_a_database_in_use(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    make_db(path)
    db = open_sqlite(path)
    with db.engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM citizen"))
        with pytest.raises(DatabaseError, match="in use"):
            conversion.rekey(path, _store())
    db.dispose()
    assert names(path) == ["Åse"]


def _store():  # type: ignore[no-untyped-def]
    from app.store.keystore import open_store

    return open_store()


def _boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
    raise OSError("the power went")


def _half_export(guard, target: Path, key: DatabaseKey) -> None:  # type: ignore[no-untyped-def]
    target.write_bytes(os.urandom(8192))  # a torn copy
    raise OSError("the power went")


@pytest.mark.parametrize(
    "step",
    ["store the new key", "export", "verify", "rename"],
)
def test_an_interrupted_rekey_leaves_the_old_file_opening_with_its_old_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, memory_keyring
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "minplan.db"
    make_db(path, names=("Åse", "Bo"))
    salt = cipher.read_salt(path)
    with monkeypatch.context() as m:
        if step == "store the new key":
            m.setattr(type(memory_keyring), "set_password", _boom)
        elif step == "export":
            m.setattr(conversion, "_export", _half_export)
        elif step == "verify":
            m.setattr(conversion, "_counts", lambda conn, schema="main": {"citizen": id(conn)})
        else:
            m.setattr(conversion.os, "replace", _boom)
        with pytest.raises((OSError, DatabaseError, KeyringUnavailable, FileWriteError)):
            conversion.rekey(path, _store())
    assert cipher.read_salt(path) == salt, "still the old file, opening with the old key"
    assert not conversion.temporary_path(path).exists()
    assert names(path) == ["Åse", "Bo"] and integrity_ok(path)
    result = conversion.rekey(path, _store())  # and the next attempt goes through
    assert names(path) == ["Åse", "Bo"] and result.rows > 0


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_rekey_killed_at_random_moments_never_loses_access(
    tmp_path: Path, subprocess_keyring: dict[str, str]
) -> None:
    from app.demo.data import write_demo_database

    path = tmp_path / "demo.db"
    write_demo_database(path, citizens=300, seed=1, as_of=TODAY)
    expected = names(path)
    command = [sys.executable, "-m", "app", "db", "rekey", "--db", str(path)]
    started = time.monotonic()  # one rekey run to the end: how long a whole run takes here
    subprocess.run(command, env=subprocess_keyring, cwd=ROOT, capture_output=True, check=True)
    whole = time.monotonic() - started
    rng = random.Random(11)
    salts = [cipher.read_salt(path)]
    for _round in range(5):
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=subprocess_keyring,
            cwd=ROOT,
        )
        time.sleep(whole * rng.uniform(0.3, 1.0))  # mostly in the middle of the conversion
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        salts.append(cipher.read_salt(path))
        assert names(path) == expected, "after every kill the file opens with a stored key"
        assert integrity_ok(path)


# --- encrypt ------------------------------------------------------------------------------------
def test_encrypt_converts_a_plaintext_database_and_removes_the_original_only_after_checking(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path, encryption=False, names=("Åse", "Bo"))
    backup_sqlite(path, tmp_path / "backups", label="plain")
    conversion.temporary_path(path).write_bytes(b"a leftover from a crash")
    assert main(["db", "encrypt", "--db", str(path)]) == 0
    out = capsys.readouterr()
    assert "er nu krypteret" in out.out and "først fjernet" in out.out
    assert "1 ukrypteret sikkerhedskopi" in out.err and len(RECOVERY.findall(out.err)) == 1
    assert cipher.file_kind(path) is FileKind.ENCRYPTED
    data = path.read_bytes()
    assert "Ørsted".encode() not in data and b"1503901234" not in data
    assert not conversion.temporary_path(path).exists()
    assert names(path) == ["Åse", "Bo"]
    assert audit_actions(path)[-1] == "database.encrypt"
    assert main(["db", "encrypt", "--db", str(path)]) == 2
    assert "allerede krypteret" in capsys.readouterr().err


def test_an_interrupted_encryption_keeps_the_plaintext_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path, encryption=False)
    monkeypatch.setattr(conversion.os, "replace", _boom)
    with pytest.raises(FileWriteError):  # a power cut while renaming: said calmly
        conversion.encrypt(path, _store())
    assert cipher.file_kind(path) is FileKind.PLAINTEXT
    assert not conversion.temporary_path(path).exists()
    assert names(path) == ["Åse"]
