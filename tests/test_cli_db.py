"""``minplan db ...`` and the command line's handling of bad situations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.store.backup import file_key
from app.store.cipher import connect
from app.store.migrations import head_revision


def keyed(path: Path):  # type: ignore[no-untyped-def]
    """A connection on the (encrypted) file with its key from the key store."""
    return connect(path, file_key(path))


def test_db_upgrade_creates_and_migrates_a_new_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ny.db"
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    assert f"til {head_revision()}" in capsys.readouterr().out
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(path).execute("SELECT version_num FROM alembic_version")
    with keyed(path) as conn:
        assert (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
        )
    assert main(["db", "upgrade", "--db", str(path)]) == 0
    assert "allerede opdateret" in capsys.readouterr().out


def test_db_current_in_english(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.db"
    main(["db", "upgrade", "--db", str(path)])
    capsys.readouterr()
    assert main(["db", "current", "--db", str(path), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == f"Schema revision: {head_revision()} (newest: {head_revision()})"
    assert lines[1].startswith("Encryption: SQLCipher 4, database id ")
    assert lines[1].endswith("the key is in the key store (conftest MemoryKeyring)")


def test_the_database_can_be_chosen_with_minplan_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("MINPLAN_DB", str(path))
    assert main(["db", "upgrade"]) == 0
    assert path.exists()


def test_db_current_on_a_missing_file_is_a_calm_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "current", "--db", str(tmp_path / "nope.db")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fejl: Databasefilen") and "Traceback" not in err
    assert not (tmp_path / "nope.db").exists()


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
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "future.db"
    main(["db", "upgrade", "--db", str(path)])
    with keyed(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    capsys.readouterr()
    assert main(["--lang", "en", "db", "upgrade", "--db", str(path)]) == 2
    assert "made by a newer version of Min Plan" in capsys.readouterr().err


def test_python_dash_m_app_is_the_same_program() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "Min Plan: borgerens plan" in result.stdout
    assert "demo" in result.stdout and "import" in result.stdout and "export" in result.stdout
