"""Import edge cases of issue 15, line 7, that tests/test_bundle_spreadsheets.py does not cover:
a device and a folder where a bundle file is expected are refused as "not a regular file" (a
FIFO, a link out of the folder, names differing in case, the size limit, dates, Danish time and
control characters are tested there)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.store.engine import Database

HEADER = "cpr;first_name;last_name;address\r\n"
NOT_REGULAR = "This is not a regular file (a pipe, a device or a folder)"


@pytest.fixture
def actor(db: Database) -> Actor:
    from app import i18n

    i18n.set_language("en")
    return Actor(None, None, None, "admin", "test")


def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "citizens.csv").write_bytes((HEADER + "150390-1234;Åse;Ørsted;\r\n").encode())
    return folder


def test_a_device_is_refused_without_reading_it(db: Database, actor: Actor, tmp_path: Path) -> None:
    folder = bundle(tmp_path)
    try:  # /dev/zero would never end: the import must not read it
        os.mknod(folder / "journal.csv", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, AttributeError, OSError):
        pytest.skip("making a device node needs root (or is not possible here)")
    report = import_bundle(db, actor, folder)
    assert report.error_lines() == [f"journal.csv:1: {NOT_REGULAR}"]


def test_a_folder_named_like_a_bundle_file_is_refused(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    folder = bundle(tmp_path)
    (folder / "journal.csv").mkdir()
    assert import_bundle(db, actor, folder).error_lines() == [f"journal.csv:1: {NOT_REGULAR}"]
