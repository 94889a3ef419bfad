"""The integrity check at start is skipped only for a file that passed it and then closed cleanly;
a crash, another program's write, a restored file or a week's wait bring it back."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.cli import main
from app.store import backup as backup_module
from app.store import start_check
from app.store.engine import Database, open_sqlite
from app.store.migrations import upgrade
from app.ui import application as application_module
from tests.test_gui_recovery import add_citizen, damage

pytestmark = pytest.mark.sqlite_only  # a SQLite file's integrity

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "minplan.db"
    db = open_sqlite(path)
    upgrade(db, backup=False)
    add_citizen(db, "150390-1234", "Åse")
    db.dispose()
    return path


def write_outside(path: Path) -> None:
    """Another program (or a session that crashed) changed the file after the note."""
    db = open_sqlite(path, create=False)
    add_citizen(db, "010185-4321", "Bo")
    db.dispose()


def test_a_file_never_checked_is_checked(database: Path) -> None:
    assert start_check.needs_check(database, now=NOW)


def test_a_file_that_passed_and_did_not_change_is_not_checked_again(database: Path) -> None:
    start_check.remember_good(database, now=NOW)
    assert not start_check.needs_check(database, now=NOW + timedelta(hours=8))


def test_a_change_after_the_check_brings_the_check_back(database: Path) -> None:
    start_check.remember_good(database, now=NOW)
    write_outside(database)
    assert start_check.needs_check(database, now=NOW)


def test_a_clean_close_keeps_the_check_but_not_its_age(database: Path) -> None:
    start_check.remember_good(database, now=NOW)
    write_outside(database)  # this time Min Plan itself wrote, then closed cleanly
    start_check.remember_clean_close(database)
    assert not start_check.needs_check(database, now=NOW + timedelta(days=6))
    assert start_check.needs_check(database, now=NOW + timedelta(days=8))


def test_a_clean_close_without_a_check_before_proves_nothing(database: Path) -> None:
    start_check.remember_clean_close(database)
    assert start_check.needs_check(database, now=NOW)


def test_a_file_put_in_its_place_is_checked(database: Path, tmp_path: Path) -> None:
    start_check.remember_good(database, now=NOW)
    copy = tmp_path / "copy.db"
    copy.write_bytes(database.read_bytes())
    stat = database.stat()
    os.replace(copy, database)  # e.g. a restored backup: same name, another file
    os.utime(database, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert start_check.needs_check(database, now=NOW)


def test_a_damaged_note_means_a_check(database: Path) -> None:
    start_check.remember_good(database, now=NOW)
    note = start_check._note(database)
    note.write_text("{not json", encoding="utf-8")
    assert start_check.needs_check(database, now=NOW)


@pytest.fixture
def gui_started(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """``run_gui`` is not entered; the close it would do is (as after a normal session)."""
    opened: list[Path] = []

    def fake_run_gui(db: Database, **_options: object) -> int:
        opened.append(db.path)
        application_module.close_cleanly(db)
        return 0

    monkeypatch.setattr(application_module, "run_gui", fake_run_gui)
    return opened


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Each integrity check the start makes."""
    made: list[Path] = []
    real = backup_module.integrity_verdict

    def counting(path: Path) -> bool | None:
        made.append(path)
        return real(path)

    monkeypatch.setattr(backup_module, "integrity_verdict", counting)
    return made


def test_the_second_start_after_a_clean_close_skips_the_check(
    database: Path, gui_started: list[Path], checks: list[Path]
) -> None:
    assert main(["--db", str(database)]) == 0
    assert main(["--db", str(database)]) == 0
    assert len(gui_started) == 2 and len(checks) == 1


def test_a_start_after_a_crash_checks_and_finds_the_damage(
    database: Path,
    gui_started: list[Path],
    checks: list[Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    from app.ui import recovery

    assert main(["--db", str(database)]) == 0
    damage(database)  # the next session crashed mid-write, or the disk failed
    offered: list[str] = []
    monkeypatch.setattr(recovery, "offer_restore", lambda error, **_: offered.append(str(error)))
    assert main(["--db", str(database)]) != 0
    assert len(checks) == 2 and offered and len(gui_started) == 1


def test_a_start_that_skips_the_check_leaves_it_for_the_background(
    database: Path, gui_started: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []

    def fake_run_gui(db: Database, **options: object) -> int:
        asked.append(options["check_in_background"])
        application_module.close_cleanly(db)
        return 0

    monkeypatch.setattr(application_module, "run_gui", fake_run_gui)
    assert main(["--db", str(database)]) == 0
    assert main(["--db", str(database)]) == 0
    assert asked == [None, database.resolve()]


@pytest.fixture
def closed_with(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from app.ui import background_check

    codes: list[int] = []
    monkeypatch.setattr(background_check, "close_application", codes.append)
    return codes


def test_the_background_check_of_a_good_file_renews_the_note(
    qtbot, database: Path, closed_with: list[int]
) -> None:
    from PySide6.QtWidgets import QWidget

    from app.ui.background_check import BackgroundIntegrityCheck

    start_check.remember_good(database, now=NOW - timedelta(days=6))
    window = QWidget()
    qtbot.addWidget(window)
    check = BackgroundIntegrityCheck(database, window, delay_ms=0)
    with qtbot.waitSignal(check.finished, timeout=10_000) as verdict:
        pass
    assert verdict.args == [True] and closed_with == []
    assert not start_check.needs_check(database, now=NOW + timedelta(days=5))


def test_damage_found_in_the_background_closes_min_plan_and_the_next_start_offers_the_backup(
    qtbot,
    database: Path,
    closed_with: list[int],
    gui_started: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QWidget

    from app.ui import recovery
    from app.ui.background_check import EXIT_DAMAGED, BackgroundIntegrityCheck

    assert main(["backup", "--db", str(database)]) == 0
    damage(database)  # the disk failed under a file that had closed cleanly ...
    start_check.remember_good(database)  # ... without changing anything the note keeps
    window = QWidget()
    qtbot.addWidget(window)
    check = BackgroundIntegrityCheck(database, window, delay_ms=0)
    with qtbot.waitSignal(check.finished, timeout=10_000) as verdict:
        pass
    assert verdict.args == [False] and closed_with == [EXIT_DAMAGED]
    good = next(database.parent.glob("backups/minplan-manual-*.db"))
    assert str(database) in check.message and good.name in check.message
    assert start_check.needs_check(database)
    offered: list[str] = []
    monkeypatch.setattr(recovery, "offer_restore", lambda error, **_: offered.append(error.backup))
    assert main(["--db", str(database)]) != 0  # offered (and declined here) before opening
    assert offered and offered[0] is not None and gui_started == []
