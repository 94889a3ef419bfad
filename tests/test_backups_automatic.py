"""Automatic backups when Min Plan closes (settings ``backup_on_exit`` and ``backups_kept``),
pruning that never touches manual copies, and backups that fail calmly and leave no half file."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.casework.admin import org_settings
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.casework.privacy.backups import automatic_backup, backup_on_exit, rotation
from app.domain.errors import DatabaseError, FileWriteError
from app.i18n import translate_error
from app.store import backup as backup_module
from app.store import cipher
from app.store.backup import backup_folder, backup_sqlite, integrity_ok, restore_sqlite
from app.store.engine import Database, open_sqlite, transaction
from app.store.error_kinds import sqlite_error
from app.store.models import Citizen

TODAY = date(2026, 11, 23)
DAY = datetime(2026, 11, 23, 9, 0)

#: About the SQLite file itself (backups, pragmas, file permissions).
pytestmark = pytest.mark.sqlite_only


def add_citizen(db: Database, actor: Actor, cpr: str, first: str) -> None:
    create_citizen(db, actor, {"cpr": cpr, "first_name": first, "last_name": "Ørsted"}, today=TODAY)


def names(path: Path) -> list[str]:
    db = open_sqlite(path, create=False)
    try:
        with transaction(db) as s:
            return sorted(c.first_name for c in s.exec(select(Citizen)).all())
    finally:
        db.dispose()


def every_file(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_automatic_backup_is_a_checked_copy_of_everything_saved(
    db: Database, actor: Actor
) -> None:
    add_citizen(db, actor, "150390-1234", "Åse")
    copy = automatic_backup(db)
    assert copy is not None and copy.parent == backup_folder(db.path)
    assert "-daily-" in copy.name and integrity_ok(copy)
    assert names(copy) == ["Åse"]


def test_the_setting_turns_the_automatic_backup_off(db: Database, actor: Actor) -> None:
    org_settings.set_value(db, actor, "backup_on_exit", False)
    assert automatic_backup(db) is None and backup_on_exit(db) is None
    assert every_file(backup_folder(db.path)) == []


def test_at_most_one_automatic_backup_a_day_or_as_the_setting_says(
    db: Database, actor: Actor
) -> None:
    first = automatic_backup(db, now=DAY)
    assert first is not None
    assert automatic_backup(db, now=DAY + timedelta(hours=8)) is None  # opened and closed again
    assert automatic_backup(db, now=DAY + timedelta(days=1)) is not None
    org_settings.set_value(db, actor, "backup_every_days", 7)
    assert automatic_backup(db, now=DAY + timedelta(days=5)) is None
    assert automatic_backup(db, now=DAY + timedelta(days=8)) is not None


def test_the_rotation_never_takes_more_space_than_the_database_unless_allowed(
    db: Database, actor: Actor
) -> None:
    """Every copy is a full copy: by default the automatic copies together take no more than the
    database itself (one copy), whatever ``backups_kept`` says; an administrator allows more."""
    folder = backup_folder(db.path)
    for day in range(4):
        automatic_backup(db, now=DAY + timedelta(days=day))
    assert len(list(folder.glob("*.db"))) == 1
    shown = rotation(db)
    assert shown is not None and len(shown.copies) == 1 and shown.kept == 1
    assert shown.total_bytes <= shown.database_bytes * 1.1 and shown.every_days == 1
    org_settings.set_value(db, actor, "backup_space_percent", 300)
    for day in range(4, 8):
        automatic_backup(db, now=DAY + timedelta(days=day))
    assert len(list(folder.glob("*.db"))) == 3 and rotation(db).kept == 3  # type: ignore[union-attr]


def test_older_on_exit_copies_belong_to_the_same_rotation(db: Database, actor: Actor) -> None:
    folder = backup_folder(db.path)
    old = backup_sqlite(db.path, folder, label="on-exit")
    assert automatic_backup(db) is None  # one was taken today already (when closing)
    later = automatic_backup(db, now=datetime.now() + timedelta(days=1))
    assert later is not None and set(folder.glob("*.db")) == {later}
    assert not old.exists()


def test_a_cancelled_backup_or_check_leaves_no_file_and_no_verdict(
    db: Database, actor: Actor
) -> None:
    from app.store.backup import BackupStopped, Cancel, integrity_verdict

    add_citizen(db, actor, "150390-1234", "Åse")
    cancel = Cancel()
    cancel.set()
    with pytest.raises(BackupStopped) as stopped:
        automatic_backup(db, cancelled=cancel)
    assert "lukkede" in translate_error(stopped.value) or "closed" in str(stopped.value)
    assert every_file(backup_folder(db.path)) == []
    assert integrity_verdict(db.path, cancel=cancel) is None  # proves nothing either way
    assert integrity_verdict(db.path, cancel=Cancel()) is True


def test_a_backup_stopped_midway_leaves_no_file(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.store.backup import BackupStopped

    add_citizen(db, actor, "150390-1234", "Åse")
    monkeypatch.setattr(backup_module, "_STEP_PAGES", 1)
    asked: list[int] = []

    def closing() -> bool:  # Min Plan closes after the third step of the copy
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(BackupStopped):
        automatic_backup(db, cancelled=closing)
    assert len(asked) > 3 and every_file(backup_folder(db.path)) == []


def test_old_automatic_backups_are_pruned_but_manual_ones_never(db: Database, actor: Actor) -> None:
    org_settings.set_value(db, actor, "backups_kept", 3)
    org_settings.set_value(db, actor, "backup_space_percent", 1000)
    folder = backup_folder(db.path)
    manual = [backup_sqlite(db.path, folder, label="manual") for _ in range(2)]
    upgrade = backup_sqlite(db.path, folder, label="before-upgrade-0005")
    made = [automatic_backup(db, now=DAY + timedelta(days=n)) for n in range(5)]
    left = set(folder.glob("*.db"))
    assert set(made[-3:]) <= left and not set(made[:2]) & left
    assert set(manual) <= left and upgrade in left  # other kinds are kept (pruned on their own)
    assert len(left) == 3 + 2 + 1


def test_another_databases_backups_in_the_same_folder_are_left_alone(
    db: Database, actor: Actor
) -> None:
    org_settings.set_value(db, actor, "backups_kept", 1)
    folder = backup_folder(db.path)
    folder.mkdir()
    others = [
        folder / "colleague-on-exit-20250101-120000-000000.db",
        folder / "minplan-demo-on-exit-20250101-120000-000000.db",  # not "minplan"'s
    ]
    for other in others:
        sqlite3.connect(other).close()
    automatic_backup(db, now=DAY)
    automatic_backup(db, now=DAY + timedelta(days=1))
    assert all(other.exists() for other in others)
    assert len(list(folder.glob("minplan-daily-*.db"))) == 1


def test_a_database_name_with_hyphens_finds_and_prunes_its_own_backups(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    from app.store.backup import newest_good_backup, prune_automatic

    folder = tmp_path / "copies"
    source = tmp_path / "min-plan-2026.db"
    db.dispose()
    db.path.replace(source)
    made = [backup_sqlite(source, folder, label="on-exit") for _ in range(3)]
    assert newest_good_backup(folder, "min-plan-2026") == made[-1]
    assert prune_automatic(folder, "min-plan-2026", 1) == sorted(made[:2], reverse=True)


def test_a_backup_that_takes_too_long_is_given_up_without_a_file(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_citizen(db, actor, "150390-1234", "Åse")
    monkeypatch.setattr(backup_module, "_STEP_PAGES", 1)
    with pytest.raises(DatabaseError) as slow:
        backup_on_exit(db, budget_seconds=0)
    assert "for lang tid" in translate_error(slow.value)
    assert every_file(backup_folder(db.path)) == []


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backup's file may not grow past two pages: SQLite reports "database or disk is full"."""

    def connect(path: Path, key):  # type: ignore[no-untyped-def]
        connection = cipher.connect(path, key)
        connection.execute("PRAGMA max_page_count = 2")
        return connection

    monkeypatch.setattr(backup_module, "_connect_destination", connect)


def test_a_full_disk_gives_a_clear_message_and_no_half_backup(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_citizen(db, actor, "150390-1234", "Åse")
    full_disk(monkeypatch)
    with pytest.raises(FileWriteError) as full:
        backup_on_exit(db)
    assert "Disken er fuld" in translate_error(full.value)
    assert every_file(backup_folder(db.path)) == []


def test_a_read_only_backup_folder_gives_a_clear_message(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(path: Path, key):  # type: ignore[no-untyped-def]
        raise sqlite_error("attempt to write a readonly database", 8)  # SQLITE_READONLY

    monkeypatch.setattr(backup_module, "_connect_destination", refuse)
    with pytest.raises(FileWriteError) as denied:
        backup_on_exit(db)
    assert "skrivebeskyttet" in translate_error(denied.value)
    assert every_file(backup_folder(db.path)) == []


def test_a_backup_folder_that_cannot_be_made_gives_a_clear_message(
    db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(FileWriteError) as missing:
        backup_sqlite(db.path, blocker / "backups", label="manual")
    assert str(blocker) in translate_error(missing.value)


def test_a_restore_on_a_full_disk_changes_nothing(
    db: Database, actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_citizen(db, actor, "150390-1234", "Åse")
    copy = backup_sqlite(db.path, backup_folder(db.path), label="manual")
    add_citizen(db, actor, "010185-4321", "Bo")
    db.dispose()
    before = every_file(db.path.parent)
    full_disk(monkeypatch)
    with pytest.raises(FileWriteError):
        restore_sqlite(copy, db.path)
    assert every_file(db.path.parent) == before
    monkeypatch.undo()
    assert names(db.path) == ["Bo", "Åse"]
