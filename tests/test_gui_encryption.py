"""What the window says about the database's protection: the status bar, the recovery key once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from app.casework.core.actor import Actor
from app.store import engine
from app.store.engine import Database, open_sqlite
from app.store.migrations import upgrade
from app.ui.casework.context import UiContext
from app.ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.sqlite_only]  # the SQLite file's encryption
SHOTS = Path("/tmp/minplan-shots")


def window_on(qtbot, db: Database, actor: Actor, *, demo: bool = False) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(UiContext(db, actor), demo=demo)
    qtbot.addWidget(window)
    window.show()
    return window


def status_texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.statusBar().findChildren(QLabel) if label.isVisible()]


def fresh(path: Path, **kwargs) -> Database:  # type: ignore[no-untyped-def]
    db = open_sqlite(path, **kwargs)
    upgrade(db, backup=False)
    return db


def test_an_encrypted_database_says_so_quietly(qtbot, db: Database, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    window = window_on(qtbot, db, actor)
    assert "Krypteret" in status_texts(window)
    assert "nøglelageret" in window.encryption_label.toolTip()
    assert window.network_label is None


def test_an_unencrypted_database_is_shown_as_such(qtbot, tmp_path: Path, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    db = fresh(tmp_path / "plain.db", encryption=False)
    window = window_on(qtbot, db, actor)
    assert "IKKE krypteret" in status_texts(window)
    assert "minplan db encrypt" in window.encryption_label.toolTip()
    SHOTS.mkdir(exist_ok=True)
    window.statusBar().grab().save(str(SHOTS / "status-unencrypted.png"))
    db.dispose()


def test_a_database_on_a_network_drive_is_warned_about(
    qtbot, tmp_path: Path, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(engine, "network_filesystem", lambda path: "smb3")
    db = fresh(tmp_path / "share.db")
    window = window_on(qtbot, db, actor)
    assert "Netværksdrev!" in status_texts(window)
    assert "lokal disk" in window.network_label.toolTip()
    window.show_startup_notices()  # a new database: first the recovery key, then the warning
    assert not hasattr(window, "network_box")
    window.recovery_dialog.confirmed.setChecked(True)
    window.recovery_dialog.close_button.click()
    qtbot.waitUntil(lambda: window.network_box.isVisible())
    assert "netværksdrev (smb3)" in window.network_box.text()
    window.network_box.accept()
    db.dispose()


def test_the_recovery_key_is_shown_once_and_cannot_be_closed_before_it_is_handed_over(
    qtbot, tmp_path: Path, actor: Actor
) -> None:  # type: ignore[no-untyped-def]
    db = fresh(tmp_path / "new.db")
    assert db.new_recovery_key is not None
    window = window_on(qtbot, db, actor)
    window.show_startup_notices()
    dialog = window.recovery_dialog
    qtbot.waitUntil(dialog.isVisible)
    shown = dialog.key_label.text().replace("\n", "")
    assert len(shown.split("-")) == 14 and "giv den til IT" in dialog.findChildren(QLabel)[0].text()
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "recovery-key-dialog.png"))
    assert not dialog.close_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible(), "Esc does not throw the only sight of the key away"
    dialog.copy_button.click()
    assert QApplication.clipboard().text().replace("-", "") == shown.replace("-", "")
    dialog.confirmed.setChecked(True)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    del window.recovery_dialog
    window.show_startup_notices()
    assert not hasattr(window, "recovery_dialog"), "shown once only"
    db.dispose()


def test_the_demo_database_shows_no_recovery_key(qtbot, tmp_path: Path, actor: Actor) -> None:  # type: ignore[no-untyped-def]
    db = fresh(tmp_path / "demo.db")
    window = window_on(qtbot, db, actor, demo=True)
    window.show_startup_notices()
    assert not hasattr(window, "recovery_dialog")
    db.dispose()
