"""Leftovers of work that was cut off (issue 15, line 9), removed at the next start.

Every copy Min Plan makes is written under a temporary name first and renamed only when complete
(``app.store.files``, ``app.store.backup``, ``app.store.conversion``, the demo generator). A
process killed half-way leaves that temporary file behind: a hidden full-size copy of the
database in ``backups/`` (which no retention deletion would ever remove), ``<file>.converting``
from ``db rekey``/``db encrypt``, ``<file>.new`` from the demo generator, a hidden
``.<name>.<pid>.tmp`` from a restore or an export. ``remove_leftovers`` deletes them, with their
``-journal``/``-wal``/``-shm``, and returns what it removed so that the start says so.

A file still being written is left alone: one whose process (the pid in its name) still runs,
and one changed within ``STILL_WRITTEN_SECONDS`` (a ``.converting``/``.new`` carries no pid).
"""

from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

log = logging.getLogger(__name__)

#: A leftover changed more recently than this may still be written by a running program.
STILL_WRITTEN_SECONDS = 120.0
_PID_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)(?:\.\d+)?\.tmp$")
_SIDECARS = ("-journal", "-wal", "-shm")


def _process_runs(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":  # a file another process writes cannot be deleted there anyway
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process (PermissionError): it runs
        return True
    return True


def _recent(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime < STILL_WRITTEN_SECONDS
    except OSError:
        return False


def _candidates(database: Path) -> list[Path]:
    folder = database.parent
    found = [
        folder / f"{database.name}.converting",
        folder / f"{database.name}.new",
    ]
    for place in (folder, folder / "backups"):
        if not place.is_dir():
            continue
        for entry in place.iterdir():
            match = _PID_TMP.match(entry.name)
            if match is None or not entry.is_file():
                continue
            if place == folder and not match["name"].startswith(database.stem):
                continue  # another program's file beside ours: not ours to judge
            if not _process_runs(int(match["pid"])):
                found.append(entry)
    return found


def remove_leftovers(database: Path | None) -> list[Path]:
    """Remove the leftovers of cut-off copies of ``database`` (and of its backups); returns the
    files removed (never the database, a finished backup or a file still being written)."""
    if database is None:
        return []
    now = time.time()
    removed = []
    for path in _candidates(Path(database)):
        if not path.is_file() or path.is_symlink() or _recent(path, now):
            continue
        try:
            path.unlink()
        except OSError as exc:
            log.warning("could not remove the leftover %s: %s", path.name, exc.strerror)
            continue
        removed.append(path)
        for sidecar in _SIDECARS:
            Path(f"{path}{sidecar}").unlink(missing_ok=True)
    if removed:
        log.info("removed %d leftover file(s) of cut-off work", len(removed))
    return removed
