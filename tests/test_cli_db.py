"""``minplan db ...`` and the command line's handling of bad situations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app.cli import main
from app.store.backup import file_key
from app.store.cipher import connect
from app.store.engine import Database
from app.store.migrations import current_revision, head_revision


def keyed(path: Path):  # type: ignore[no-untyped-def]
    """A connection on the (encrypted) file with its key from the key store."""
    return connect(path, file_key(path))


def test_db_upgrade_creates_and_migrates_a_new_database(
    new_db: Database, new_db_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade", *new_db_args]) == 0
    assert f"til {head_revision()}" in capsys.readouterr().out
    assert current_revision(new_db) == head_revision()
    assert {"citizen", "audit_event", "app_setting"} <= set(
        inspect(new_db.engine).get_table_names()
    )
    if new_db.is_sqlite:  # encrypted: plain SQLite cannot read it, its key can
        with pytest.raises(sqlite3.DatabaseError, match="not a database"):
            sqlite3.connect(new_db.path).execute("SELECT version_num FROM alembic_version")
        with keyed(new_db.path) as conn:  # type: ignore[arg-type]
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            assert version == head_revision()
    assert main(["db", "upgrade", *new_db_args]) == 0
    assert "allerede opdateret" in capsys.readouterr().out


def test_db_current_in_english(new_db_args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    main(["db", "upgrade", *new_db_args])
    capsys.readouterr()
    assert main(["db", "current", *new_db_args, "--lang", "en"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == f"Schema revision: {head_revision()} (newest: {head_revision()})"
    if len(new_db_args) == 2 and new_db_args[0] == "--db":
        assert lines[1].startswith("Encryption: SQLCipher 4, database id ")
        assert lines[1].endswith("the key is in the key store (keyring backend MemoryKeyring)")


@pytest.mark.sqlite_only
def test_the_database_can_be_chosen_with_minplan_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("MINPLAN_DB", str(path))
    assert main(["db", "upgrade"]) == 0
    assert path.exists()


@pytest.mark.sqlite_only
def test_db_current_on_a_missing_file_is_a_calm_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "current", "--db", str(tmp_path / "nope.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fejl: Databasefilen") and "Traceback" not in err
    assert not (tmp_path / "nope.db").exists()


@pytest.mark.sqlite_only
def test_a_file_that_is_not_a_database_is_refused_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a text file, not a database\n" * 100)
    assert main(["db", "upgrade", "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "ikke en læsbar Min Plan-database" in err and "Traceback" not in err
    assert path.read_bytes().startswith(b"this is a text file")


def test_a_newer_schema_is_refused_in_the_users_language(
    db: Database, db_args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    assert main(["--lang", "en", "db", "upgrade", *db_args]) == 2
    assert "made by a newer version of Min Plan" in capsys.readouterr().err


def test_python_dash_m_app_is_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "Min Plan: borgerens plan" in result.stdout
    assert "demo" in result.stdout and "import" in result.stdout and "export" in result.stdout


@pytest.mark.postgres
def test_a_desk_never_upgrades_a_shared_server_and_says_who_does(
    pg_server, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    name = pg_server.create_empty()
    url = pg_server.url_of(name)
    try:
        assert main(["--lang", "en", "deadlines", "--database-url", url]) == 2
        err = capsys.readouterr().err
        assert "has schema -" in err and f"minplan db upgrade --database-url {url}" in err
        assert main(["db", "upgrade", "--database-url", url]) == 0
        assert main(["deadlines", "--database-url", url, "--format", "csv"]) == 0
    finally:
        pg_server.drop(name)
