"""What a caseworker sees when something went wrong before: a damaged database is met with the
newest good backup and a button that restores it; closing backs up; a native crash of the last
session is reported once; a bug shows the crash dialog whose "Copy details" copies what IT needs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen
from app.cli import main
from app.store.backup import backup_folder, integrity_ok
from app.store.engine import Database, open_sqlite, transaction
from app.store.migrations import upgrade
from app.store.models import Citizen
from app.ui import application as application_module
from app.ui import headless, recovery
from app.ui.crash import CrashDialog, crash_details
from tests.conftest import cli_args

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]  # the SQLite file's backups
TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent


def add_citizen(db: Database, cpr: str, first: str) -> None:
    from app.casework.core.actor import system_actor

    create_citizen(
        db, system_actor(), {"cpr": cpr, "first_name": first, "last_name": "Ørsted"}, today=TODAY
    )


def names(path: Path) -> list[str]:
    db = open_sqlite(path, create=False)
    try:
        with transaction(db) as s:
            return sorted(c.first_name for c in s.exec(select(Citizen)).all())
    finally:
        db.dispose()


def damage(path: Path) -> None:
    """Scribble over every b-tree page header after the first, as a failing disk might."""
    data = bytearray(path.read_bytes())
    for page in range(1, len(data) // 4096):
        data[page * 4096 : page * 4096 + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    for sidecar in ("-wal", "-shm"):
        Path(f"{path}{sidecar}").unlink(missing_ok=True)
    if integrity_ok(path, quick=True):
        pytest.skip("this scribble did not damage a checked page")


def when_modal(handle: Callable[[QWidget], None]) -> None:
    """Call ``handle`` with the next modal window once it is open (as the user would answer it)."""

    before = QApplication.activeModalWidget()

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or widget is before:
            QTimer.singleShot(20, poll)
            return
        handle(widget)

    QTimer.singleShot(0, poll)


@pytest.fixture
def damaged_with_backup(tmp_path: Path) -> Path:
    """A database whose backup holds Åse; Bo was added after the backup; then the disk failed."""
    path = tmp_path / "minplan.db"
    db = open_sqlite(path)
    upgrade(db, backup=False)
    add_citizen(db, "150390-1234", "Åse")
    db.dispose()
    assert main(["backup", "--db", str(path)]) == 0
    db = open_sqlite(path)
    add_citizen(db, "010185-4321", "Bo")
    db.dispose()
    damage(path)
    return path


@pytest.fixture
def answering(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Modal windows are answered by the test; the main loop is not entered (``run_gui`` records
    what it was asked to open)."""
    monkeypatch.setattr(headless, "nobody_to_click", lambda: False)
    opened: dict = {}

    def fake_run_gui(db: Database, **options: object) -> int:
        opened.update(options, path=db.path)
        db.dispose()
        return 0

    monkeypatch.setattr(application_module, "run_gui", fake_run_gui)
    return opened


def test_a_damaged_database_is_restored_from_the_newest_good_backup_and_reopened(
    qtbot, damaged_with_backup: Path, answering: dict
) -> None:
    seen: dict = {}

    def restore(dialog: QWidget) -> None:
        assert isinstance(dialog, recovery.RestoreOfferDialog)
        seen["text"] = dialog.message.text()
        seen["button"] = dialog.restore_button.text()
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    when_modal(restore)
    assert main(["--db", str(damaged_with_backup)]) == 0
    assert "beskadiget" in seen["text"] and str(backup_folder(damaged_with_backup)) in seen["text"]
    assert seen["button"].replace("&", "") == "Gendan denne sikkerhedskopi"
    assert answering["path"] == damaged_with_backup.resolve()
    assert integrity_ok(damaged_with_backup) and names(damaged_with_backup) == ["Åse"]
    aside = list(damaged_with_backup.parent.glob("minplan-before-restore-*.db"))
    assert len(aside) == 1 and not integrity_ok(aside[0], quick=True)  # kept as it was
    assert str(aside[0]) in answering["notice"]


def test_choosing_not_to_restore_changes_nothing(
    qtbot, damaged_with_backup: Path, answering: dict, capsys: pytest.CaptureFixture
) -> None:
    before = damaged_with_backup.read_bytes()
    told: list[str] = []

    def read_message(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    def decline(dialog: QWidget) -> None:
        dialog.close_button.click()  # type: ignore[attr-defined]
        when_modal(read_message)  # then the startup error says what to do instead

    when_modal(decline)
    assert main(["--db", str(damaged_with_backup)]) == 2
    assert damaged_with_backup.read_bytes() == before and answering == {}
    assert "minplan restore" in capsys.readouterr().err
    assert len(told) == 1 and "minplan restore" in told[0] and "beskadiget" in told[0]


def test_closing_the_window_waits_for_no_backup(
    qtbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The automatic backup is taken in the background a while after the start
    (``app.ui.background_backup``), never when closing: a quick session leaves no copy."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    add_citizen(db, "150390-1234", "Åse")

    closed: list[bool] = []

    def user_closes_the_window(_app: QApplication) -> int:
        """Stands in for the main loop (a real quit would end later tests' dialogs at once)."""
        window = next(
            w for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "ctx")
        )
        closed.append(window.close())
        return 0

    monkeypatch.setattr(QApplication, "exec", user_closes_the_window)
    started = time.monotonic()
    assert application_module.run_gui(db, language="da") == 0
    assert time.monotonic() - started < 10  # the window's own start included
    assert closed == [True]
    assert list(backup_folder(db.path).glob("minplan-*.db")) == []


CRASHING_START = textwrap.dedent("""
    import faulthandler, sys
    import app.cli as cli
    import app.store.migrations as migrations
    migrations.current_revision = lambda db: faulthandler._sigsegv()  # a bug in a C library
    sys.exit(cli.main(["db", "current", "--db", sys.argv[1]]))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSEGV")
def test_a_native_crash_is_written_to_the_log_folder_and_reported_once_at_the_next_start(
    qtbot,
    db: Database,
    isolated_home: Path,
    answering: dict,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture,
) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MINPLAN_HOME": str(isolated_home)}
    env.pop("PYTHONFAULTHANDLER", None)
    crashed = subprocess.run(
        [sys.executable, "-c", CRASHING_START, str(db.path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert crashed.returncode != 0
    logs = isolated_home / "logs"
    [report] = logs.glob("native-crash-*.txt")
    assert "Segmentation fault" in report.read_text()

    # The next start (the GUI): the message names the report, which has moved to crashes/.
    windows: list = []
    monkeypatch.setattr(
        application_module,
        "run_gui",
        lambda db, **options: (
            windows.append(application_module.open_main_window(db, **options)) or 0
        ),
    )
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert main([*cli_args(db)]) == 0
    [window] = windows
    qtbot.addWidget(window)
    moved = logs / "crashes" / report.name
    assert moved.exists() and not report.exists()
    notice: QMessageBox = window.crash_notice
    assert notice.isVisible() and str(moved) in notice.text()
    assert "stoppede uventet" in notice.windowTitle()
    notice.close()

    # Reported once: the start after that says nothing.
    assert main(["db", "current", *cli_args(db)]) == 0
    assert "stoppede uventet" not in capsys.readouterr().err


def test_a_cli_start_after_a_native_crash_names_the_report(
    db: Database, isolated_home: Path, capsys: pytest.CaptureFixture
) -> None:
    logs = isolated_home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "native-crash-20261123-101500-4242.txt").write_text(
        "Fatal Python error: Segmentation fault\n"
    )
    assert main(["db", "current", *cli_args(db)]) == 0
    err = capsys.readouterr().err
    assert str(logs / "crashes" / "native-crash-20261123-101500-4242.txt") in err
    assert "stoppede uventet" in err


def test_copy_details_puts_the_traceback_and_the_versions_on_the_clipboard(qtbot) -> None:
    try:
        raise RuntimeError("en fejl ingen havde forudset")
    except RuntimeError as error:
        details = crash_details(type(error), error, error.__traceback__)
    dialog = CrashDialog(details)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert "Traceback" in copied and "RuntimeError: en fejl ingen havde forudset" in copied
    assert "Python 3." in copied and "Qt 6." in copied and "SQLite 3." in copied
    assert "minplan.log" in dialog.message.text()
    assert dialog.copy_button.text().replace("&", "") == "Kopiér detaljer"


def test_a_bug_in_a_slot_opens_the_crash_dialog_not_a_traceback(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.crash import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    exits: list[int] = []
    monkeypatch.setattr(QApplication.instance(), "exit", lambda code=0: exits.append(code))
    seen: dict = {}

    def read_and_close(dialog: QWidget) -> None:
        assert isinstance(dialog, CrashDialog)
        seen["details"] = dialog.details.toPlainText()
        dialog.close_button.click()

    when_modal(read_and_close)
    try:
        raise KeyError("no such thing")
    except KeyError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    assert "KeyError" in seen["details"] and exits == [70]


def test_an_expected_error_in_a_slot_gets_a_calm_message_not_the_crash_dialog(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.domain.errors import LockedDatabaseError
    from app.ui.crash import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    exits: list[int] = []
    monkeypatch.setattr(QApplication.instance(), "exit", lambda code=0: exits.append(code))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(CrashDialog, "exec", lambda self: pytest.fail("not a bug"))
    error = LockedDatabaseError(
        "The database is busy: another program is writing to it. Try again in a moment."
    )
    sys.excepthook(type(error), error, None)
    assert shown == [
        "Databasen er optaget: et andet program skriver i den. Prøv igen om et øjeblik."
    ]
    assert exits == []


def test_a_failed_automatic_backup_is_told_in_the_status_bar_not_raised(
    qtbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMainWindow

    from app.store import backup as backup_module
    from app.store import cipher
    from app.ui.background_backup import BackgroundBackup

    def full(path: Path, key):  # type: ignore[no-untyped-def]
        connection = cipher.connect(path, key)
        connection.execute("PRAGMA max_page_count = 1")
        return connection

    monkeypatch.setattr(backup_module, "_connect_destination", full)
    window = QMainWindow()
    qtbot.add_widget(window)
    backup = BackgroundBackup(db, window, delay_ms=0)
    with qtbot.wait_signal(backup.finished, timeout=20_000) as outcome:
        pass
    assert not isinstance(outcome.args[0], Path)
    assert "Disken er fuld" in window.statusBar().currentMessage()
    assert list(backup_folder(db.path).iterdir()) == []


def test_the_automatic_backup_is_taken_in_the_background_and_told(qtbot, db: Database) -> None:
    from PySide6.QtWidgets import QMainWindow

    from app.ui.background_backup import BackgroundBackup

    add_citizen(db, "150390-1234", "Åse")
    window = QMainWindow()
    qtbot.add_widget(window)
    backup = BackgroundBackup(db, window, delay_ms=0)
    with qtbot.wait_signal(backup.finished, timeout=20_000) as outcome:
        pass
    copy = outcome.args[0]
    assert isinstance(copy, Path) and integrity_ok(copy) and names(copy) == ["Åse"]
    assert window.statusBar().currentMessage().startswith("Automatisk sikkerhedskopi taget")
    again = BackgroundBackup(db, window, delay_ms=0)  # the same day: nothing more is copied
    qtbot.wait(200)
    assert not again.running and len(list(backup_folder(db.path).glob("*.db"))) == 1
    again.stop()
