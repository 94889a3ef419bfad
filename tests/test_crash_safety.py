"""Nothing committed is lost on a crash: a process commits numbered journal notes through the
use-case layer and is killed with SIGKILL at random moments; every note it reported as committed
is there afterwards and the file passes SQLite's integrity check."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import system_actor
from app.store.backup import integrity_ok
from app.store.engine import open_sqlite, transaction
from app.store.migrations import upgrade
from app.store.models import JournalNote

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.sqlite_only  # the SQLite file under SIGKILL and its write lock
WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from app.casework.core.actor import system_actor
    from app.casework.citizens.journal import add_note
    from app.store.engine import open_sqlite
    db = open_sqlite(sys.argv[1], create=False)
    number = int(sys.argv[2])
    while True:
        add_note(db, system_actor(), 1, f"note {number}", today=date(2026, 11, 23))
        print(number, flush=True)  # reported only after the commit returned
        number += 1
""")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_writers_never_lose_a_committed_row(
    tmp_path: Path, subprocess_keyring: dict[str, str]
) -> None:
    path = tmp_path / "crash.db"
    db = open_sqlite(path)
    upgrade(db, backup=False)
    create_citizen(
        db,
        system_actor(),
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=date(2026, 11, 23),
    )
    db.dispose()
    rng = random.Random(7)
    reported: set[int] = set()
    env = subprocess_keyring  # the writer finds the encrypted file's key there
    next_number = 0
    for _round in range(8):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(next_number)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        # Start-up takes from one to several seconds on a loaded machine: wait for the first
        # commit, then kill at a random moment of writing.
        first = process.stdout.readline()  # type: ignore[union-attr]
        time.sleep(rng.random())
        os.kill(process.pid, signal.SIGKILL)
        out, _err = process.communicate(timeout=30)
        numbers = [int(line) for line in (first + out).split()]
        reported.update(numbers)
        next_number = (max(numbers) + 1) if numbers else next_number + 1000
        assert integrity_ok(path), "the file must survive every kill"
    assert reported, "the writer committed nothing; the test proves nothing"
    db = open_sqlite(path, create=False)
    try:
        with transaction(db) as s:
            stored = {int(n.text.split()[1]) for n in s.exec(select(JournalNote)).all()}
    finally:
        db.dispose()
    assert reported <= stored


@pytest.mark.slow
def test_a_database_locked_by_another_program_gives_a_clear_message_after_a_bounded_wait(
    tmp_path: Path,
) -> None:
    from app import i18n
    from app.casework.citizens.journal import add_note
    from app.domain.errors import LockedDatabaseError

    path = tmp_path / "locked.db"
    db = open_sqlite(path)
    upgrade(db, backup=False)
    citizen = create_citizen(
        db,
        system_actor(),
        {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"},
        today=date(2026, 11, 23),
    ).id
    from app.store import cipher

    other = cipher.connect(path, db.cipher_key, timeout=0)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        started = time.monotonic()
        with pytest.raises(LockedDatabaseError) as locked:
            add_note(db, system_actor(), citizen, "skrives ikke", today=date(2026, 11, 23))
        waited = time.monotonic() - started
    finally:
        other.rollback()
        other.close()
    assert 1 <= waited <= 30
    i18n.set_language("da")
    assert "optaget" in i18n.translate_error(locked.value)
    with transaction(db) as s:
        assert s.exec(select(JournalNote)).all() == []
    db.dispose()
