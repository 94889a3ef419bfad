"""Leftovers of cut-off work are removed at the next start, which says so (issue 15, line 9): a
backup killed half-way (a hidden full-size copy in ``backups/``), a ``.converting`` from a
rekey, a ``.new`` from the demo generator, a hidden ``.tmp`` from a restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.cli import main
from app.store import leftovers
from app.store.backup import backup_sqlite
from app.store.engine import Database
from tests.conftest import cli_args

pytestmark = pytest.mark.sqlite_only  # files beside a SQLite database

OLD = 1_000_000_000  # 2001: long finished


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def killed_backup(db: Database, env: dict[str, str]) -> Path:
    """A real ``backup`` process killed while it writes its copy: the hidden partial it leaves."""
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from app.store import backup

        def copy_and_die(source, target, key, deadline, folder, cancelled=None):
            from app.store.files import create_private
            create_private(target)
            target.write_bytes(b"SQLite format 3\\0" + b"x" * 65536)  # half a copy
            os.kill(os.getpid(), signal.SIGKILL)

        backup._copy = copy_and_die
        backup.backup_sqlite(Path({str(db.path)!r}), Path({str(db.path.parent / "backups")!r}))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert done.returncode == -signal.SIGKILL
    [partial] = [p for p in (db.path.parent / "backups").iterdir() if p.name.endswith(".tmp")]
    os.utime(partial, (OLD, OLD))
    return partial


def test_the_next_start_removes_what_cut_off_work_left_and_says_so(
    db: Database, subprocess_keyring: dict[str, str], monkeypatch, capsys
) -> None:
    partial = killed_backup(db, subprocess_keyring)
    finished = backup_sqlite(db.path, db.path.parent / "backups")
    folder = db.path.parent
    stale = [
        folder / f"{db.path.name}.converting",  # db rekey killed
        folder / f"{db.path.name}.new",  # a demo made into this file, killed
        folder / f".{db.path.name}.{dead_pid()}.tmp",  # a restore killed
    ]
    for path in stale:
        path.write_bytes(b"x" * 4096)
        os.utime(path, (OLD, OLD))
    Path(f"{stale[0]}-journal").write_bytes(b"j")
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")
    assert main(["users", *cli_args(db)]) == 0
    err = capsys.readouterr().err
    assert "Fjernede 4 ufærdige kopier" in err and partial.name in err
    for path in (partial, *stale, Path(f"{stale[0]}-journal")):
        assert not path.exists(), path
    assert finished.exists() and db.path.exists(), "a finished backup and the database stay"
    assert main(["users", *cli_args(db)]) == 0
    assert "Fjernede" not in capsys.readouterr().err, "said once, when there was something"


def test_a_copy_still_being_written_is_left_alone(db: Database) -> None:
    folder = db.path.parent
    (folder / "backups").mkdir()
    running = folder / "backups" / f".minplan-manual-x.db.{os.getpid()}.tmp"  # this process
    running.write_bytes(b"x")
    os.utime(running, (OLD, OLD))
    fresh = folder / f"{db.path.name}.converting"  # a rekey at work in another program
    fresh.write_bytes(b"x")
    other = folder / f".someone-elses.txt.{dead_pid()}.tmp"  # not Min Plan's
    other.write_bytes(b"x")
    os.utime(other, (OLD, OLD))
    assert leftovers.remove_leftovers(db.path) == []
    assert running.exists() and fresh.exists() and other.exists()


def test_the_window_says_so_in_the_status_bar(db: Database, monkeypatch) -> None:
    from app import cli

    stale = db.path.parent / f"{db.path.name}.converting"
    stale.write_bytes(b"x")
    os.utime(stale, (OLD, OLD))
    seen: dict[str, object] = {}
    monkeypatch.setattr("app.ui.application.run_gui", lambda db, **kw: seen.update(kw) or 0)
    assert cli.main(cli_args(db)) == 0
    assert "Fjernede 1 ufærdig kopi" in str(seen["notice"]) and not stale.exists()


def test_a_killed_demo_leaves_nothing_the_next_demo_start_keeps(
    tmp_path: Path, isolated_home: Path, subprocess_keyring: dict[str, str]
) -> None:
    """``minplan demo`` killed half-way leaves ``<file>.new``; the next start removes it."""
    target = tmp_path / "demo.db"
    env = {**subprocess_keyring, "MINPLAN_LANG": "da"}
    child = subprocess.Popen(
        [sys.executable, "-m", "app", "demo", "--citizens", "3000", "--db", str(target)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    new = Path(f"{target}.new")
    for _ in range(600):
        if new.exists() and new.stat().st_size > 0:
            break
        if child.poll() is not None:
            pytest.skip("the demo finished before it could be killed")
        time.sleep(0.05)
    child.kill()
    child.wait()
    if not new.exists():
        pytest.skip("the demo finished before it could be killed")
    os.utime(new, (OLD, OLD))
    assert [p.name for p in leftovers.remove_leftovers(target)] == ["demo.db.new"]
    assert not new.exists() and not Path(f"{new}-wal").exists()
