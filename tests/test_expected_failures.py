"""Expected failures of the database — full disk, read-only, missing file, locked by another
program, made by a newer Min Plan — get a calm message in the user's language in the CLI (exit
status 2, no traceback) and in the GUI (the dialog stays open with what the user typed), and
nothing is half-written."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

from app.casework.citizens.citizens import create_citizen
from app.casework.citizens.journal import add_note
from app.casework.core.actor import Actor
from app.cli import main
from app.domain.errors import DatabaseError
from app.i18n import translate_error
from app.store import cipher
from app.store import engine as engine_module
from app.store.backup import file_key
from app.store.engine import Database, transaction
from app.store.models import Caseworker, JournalNote, metadata
from tests.conftest import cli_args

TODAY = date(2026, 11, 23)
SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
LONG_NOTE = "Samtale om praktik i butik. " * 600  # needs new pages in the file

#: About the SQLite file itself (backups, pragmas, file permissions).
pytestmark = pytest.mark.sqlite_only


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def on_every_connection(db: Database, pragma: str) -> None:
    """Reconnect with ``pragma`` set on each new connection (what the disk or folder would do)."""
    db.engine.dispose()
    event.listen(db.engine, "connect", lambda conn, _record: conn.execute(pragma))


def pages_without_free_space(db: Database) -> int:
    """VACUUM away the free pages (so any write must grow the file) and return the page count."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
        return conn.exec_driver_sql("PRAGMA page_count").scalar()


def make_full(db: Database) -> None:
    """The database may not grow by a single page: SQLite says "database or disk is full"."""
    pages = pages_without_free_space(db)
    on_every_connection(db, f"PRAGMA max_page_count = {pages}")


@pytest.fixture
def citizen(db: Database, actor: Actor) -> int:
    return create_citizen(
        db, actor, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id


def test_a_full_disk_saves_nothing_and_says_so(db: Database, actor: Actor, citizen: int) -> None:
    before = counts(db)
    make_full(db)
    with pytest.raises(DatabaseError) as full:
        add_note(db, actor, citizen, LONG_NOTE, today=TODAY)
    assert translate_error(full.value).startswith("Disken er fuld; intet blev gemt")
    assert counts(db) == before


def test_a_read_only_database_saves_nothing_and_says_so(
    db: Database, actor: Actor, citizen: int
) -> None:
    before = counts(db)
    on_every_connection(db, "PRAGMA query_only = ON")
    with pytest.raises(DatabaseError) as denied:
        add_note(db, actor, citizen, "En note", today=TODAY)
    assert "skrivebeskyttet" in translate_error(denied.value)
    assert counts(db) == before


def test_a_read_only_folder_is_named(
    db: Database, actor: Actor, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = str(db.path.parent)
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if str(path) == folder else real_access(path, mode)
    )
    on_every_connection(db, "PRAGMA query_only = ON")
    with pytest.raises(DatabaseError) as denied:
        add_note(db, actor, citizen, "En note", today=TODAY)
    text = translate_error(denied.value)
    assert f"Mappen {folder} er skrivebeskyttet" in text


def test_a_database_file_that_disappears_while_open_is_not_written_to(
    db: Database, actor: Actor, citizen: int, tmp_path: Path
) -> None:
    moved = tmp_path / "moved-away.db"
    db.path.replace(moved)
    with pytest.raises(DatabaseError) as gone:
        add_note(db, actor, citizen, "En note", today=TODAY)
    assert "er der ikke længere" in translate_error(gone.value)
    assert not db.path.exists()  # no new empty database was made in its place


def test_the_cli_names_a_missing_database_instead_of_reading_an_empty_new_one(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "typo.db"
    commands = (["deadlines"], ["export", str(tmp_path / "out")], ["db", "current"], ["backup"])
    for command in commands:
        assert main([*command, "--db", str(missing)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Fejl:") and str(missing) in err and "Traceback" not in err
        assert "findes ikke" in err or "ingen database" in err
    assert not missing.exists()


def test_the_cli_says_the_disk_is_full_and_the_import_writes_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "citizens.csv").write_text("cpr,first_name,last_name\n1503901234,Åse,Ørsted\n")
    (bundle / "journal.csv").write_text(f"cpr,written_on,text\n1503901234,2026-11-23,{LONG_NOTE}\n")
    monkeypatch.setattr(
        "app.casework.core.actor.os_user", lambda: "ad"
    )  # an existing administrator
    with transaction(db) as s:
        s.add(Caseworker(initials="AD", name="Anders Dal", role="admin"))
    pages = pages_without_free_space(db)
    before = counts(db)
    real = engine_module._configure_sqlite

    def full(connection: sqlite3.Connection, record: object) -> None:
        real(connection, record)
        connection.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(engine_module, "_configure_sqlite", full)
    assert main(["import", str(bundle), *cli_args(db)]) == 2
    err = capsys.readouterr().err
    assert "Disken er fuld" in err and "Traceback" not in err
    monkeypatch.setattr(engine_module, "_configure_sqlite", real)
    assert counts(db) == before


@pytest.fixture
def quick_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait 0.3 s for another program's lock instead of 5 s (the rule, not the length, is tested;
    tests/test_crash_safety.py checks the real bounded wait)."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)


@pytest.fixture
def locked(db: Database):  # type: ignore[no-untyped-def]
    other = cipher.connect(db.path, file_key(db.path), timeout=0)  # another Min Plan
    other.execute("BEGIN IMMEDIATE")  # another Min Plan holds the write lock
    yield
    other.rollback()
    other.close()


def test_the_cli_says_the_database_is_busy(
    db: Database, quick_lock: None, locked: None, capsys: pytest.CaptureFixture
) -> None:
    before = counts(db)
    assert main(["import", str(SAMPLE), *cli_args(db)]) == 2
    err = capsys.readouterr().err
    assert "Databasen er optaget" in err and "Traceback" not in err
    assert counts(db) == before


def test_a_database_from_a_newer_min_plan_is_refused_calmly(
    db: Database, capsys: pytest.CaptureFixture
) -> None:
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    before = db.path.read_bytes()
    assert main(["deadlines", *cli_args(db)]) == 2
    err = capsys.readouterr().err
    assert "nyere version af Min Plan" in err and "Traceback" not in err
    assert main(["deadlines", *cli_args(db), "--lang", "en"]) == 2
    assert "newer version of Min Plan" in capsys.readouterr().err
    assert db.path.read_bytes() == before


# --- the same in the GUI --------------------------------------------------------------------------


@pytest.fixture
def note_dialog(qtbot, db: Database, actor: Actor, citizen: int):  # type: ignore[no-untyped-def]
    from app.ui.casework.context import UiContext
    from app.ui.casework.journal_tab import NoteDialog

    dialog = NoteDialog(UiContext(db, actor, lambda: TODAY), citizen)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form.set_values({"text": LONG_NOTE})
    return dialog


def notes(db: Database) -> int:
    with transaction(db) as s:
        return len(s.exec(select(JournalNote)).all())


@pytest.mark.gui
def test_the_gui_keeps_the_note_and_says_the_disk_is_full(db: Database, note_dialog) -> None:  # type: ignore[no-untyped-def]
    make_full(db)
    note_dialog.try_save()
    assert note_dialog.isVisible() and "Disken er fuld" in note_dialog.banner.text()
    assert note_dialog.form.read()[0]["text"] == LONG_NOTE  # nothing the user typed is lost
    assert notes(db) == 0


@pytest.mark.gui
def test_the_gui_keeps_the_note_and_says_the_database_is_busy(
    db: Database, quick_lock: None, note_dialog
) -> None:  # type: ignore[no-untyped-def]
    db.engine.dispose()  # reconnect with the short wait
    other = cipher.connect(db.path, file_key(db.path), timeout=0)  # another Min Plan
    other.execute("BEGIN IMMEDIATE")
    try:
        note_dialog.try_save()
    finally:
        other.rollback()
        other.close()
    assert note_dialog.isVisible() and "Databasen er optaget" in note_dialog.banner.text()
    note_dialog.try_save()  # once the other program is done, the same note saves
    assert not note_dialog.isVisible() and notes(db) == 1


@pytest.mark.gui
def test_the_gui_start_says_why_a_database_cannot_be_opened(
    qtbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.ui import application, headless

    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    monkeypatch.setattr(headless, "nobody_to_click", lambda: False)
    monkeypatch.setattr(application, "run_gui", lambda *a, **k: pytest.fail("must not start"))
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text: shown.append((title, text))
    )
    assert main([*cli_args(db)]) == 2
    assert len(shown) == 1 and shown[0][0] == "Min Plan kan ikke starte"
    assert "nyere version af Min Plan" in shown[0][1]
