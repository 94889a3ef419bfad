"""Backups people can rely on: consistent copies, a checked restore that keeps the current file,
and a damaged database met with the newest good backup instead of a traceback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen
from app.cli import main
from app.store.backup import integrity_ok
from app.store.engine import open_sqlite, transaction
from app.store.migrations import upgrade
from app.store.models import Citizen

pytestmark = pytest.mark.sqlite_only  # copies of the SQLite file; PostgreSQL uses pg_dump (README)


def make_db(path: Path) -> None:
    from app.casework.core.actor import system_actor

    db = open_sqlite(path)
    upgrade(db, backup=False)
    create_citizen(
        db,
        system_actor(),
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=date(2026, 11, 23),
    )
    db.dispose()


def names(path: Path) -> list[str]:
    db = open_sqlite(path, create=False)
    try:
        with transaction(db) as s:
            return [c.first_name for c in s.exec(select(Citizen)).all()]
    finally:
        db.dispose()


def test_backup_and_restore_keep_the_current_file_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path)
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "copies")]) == 0
    copy = next((tmp_path / "copies").glob("*.db"))
    assert integrity_ok(copy) and names(copy) == ["Åse"]
    from app.casework.core.actor import system_actor

    db = open_sqlite(path)
    create_citizen(
        db,
        system_actor(),
        {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"},
        today=date(2026, 11, 23),
    )
    db.dispose()
    assert main(["restore", str(copy), "--db", str(path)]) == 0
    assert names(path) == ["Åse"]
    aside = next(tmp_path.glob("minplan-before-restore-*.db"))
    assert sorted(names(aside)) == ["Bo", "Åse"]


def test_a_damaged_backup_is_refused_and_nothing_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
    before = path.read_bytes()
    assert main(["restore", str(bad), "--db", str(path)]) == 2
    assert "integritetstjek" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_damaged_database_at_start_names_the_newest_good_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "minplan.db"
    make_db(path)
    assert main(["backup", "--db", str(path)]) == 0
    data = bytearray(path.read_bytes())
    for page in range(
        1, len(data) // 4096
    ):  # scribble over every b-tree page header after the first
        data[page * 4096 : page * 4096 + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    Path(f"{path}-wal").unlink(missing_ok=True)
    if integrity_ok(path, quick=True):
        pytest.skip("this scribble did not damage a checked page")
    assert main(["--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert "minplan restore" in err and "backups" in err


def test_restore_runs_the_full_integrity_check_not_only_the_quick_one(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from app.store.backup import file_key
    from app.store.cipher import connect

    path = tmp_path / "minplan.db"
    make_db(path)
    assert main(["backup", "--db", str(path), "--to", str(tmp_path / "copies")]) == 0
    copy = next((tmp_path / "copies").glob("*.db"))
    conn = connect(copy, file_key(copy))  # the copy is encrypted like the database
    conn.execute("CREATE TABLE probe (x TEXT)")
    conn.execute("CREATE INDEX probe_x ON probe (x)")
    conn.execute("INSERT INTO probe VALUES ('a')")
    conn.commit()
    conn.execute("PRAGMA writable_schema = ON")
    # Make the index unique although its entries say otherwise: only integrity_check looks.
    conn.execute("INSERT INTO probe VALUES ('a')")
    conn.execute(
        "UPDATE sqlite_master SET sql = 'CREATE UNIQUE INDEX probe_x ON probe (x)' "
        "WHERE name = 'probe_x'"
    )
    conn.commit()
    conn.close()
    assert integrity_ok(copy, quick=True) and not integrity_ok(copy)
    before = path.read_bytes()
    capsys.readouterr()
    assert main(["restore", str(copy), "--db", str(path)]) == 2
    assert "integritetstjek" in capsys.readouterr().err
    assert path.read_bytes() == before and names(path) == ["Åse"]
