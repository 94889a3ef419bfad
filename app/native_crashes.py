"""Native crashes (a segmentation fault in Qt, SQLite or another C library) written to a file.

Python's ``faulthandler`` writes the stack of every thread to a file when the process dies of a
fatal signal, where no ``except`` and no log handler can run. Each start of Min Plan (GUI or CLI)
enables it into a file of its own in the log folder, ``native-crash-<time>-<pid>.txt``; a clean
exit removes that file while it is still empty. At the next start, ``collect_reports`` finds the
files that are not empty, moves them to ``logs/crashes/`` (so each is reported once) and returns
their new paths for the GUI or the CLI to report.
"""

from __future__ import annotations

import atexit
import faulthandler
import logging
import os
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app import paths

log = logging.getLogger(__name__)

PREFIX = "native-crash-"
#: An empty file this old belongs to a process that was killed without a crash: tidy it away.
STALE_SECONDS = 7 * 24 * 3600

_handle: TextIO | None = None


def reported_dir() -> Path:
    return paths.user_log_dir() / "crashes"


def collect_reports() -> list[Path]:
    """Earlier sessions' crash files (not empty), moved to ``crashes/``; their new paths."""
    folder = paths.user_log_dir()
    own = Path(_handle.name) if _handle is not None else None
    found: list[Path] = []
    if not folder.is_dir():
        return found
    for candidate in sorted(folder.glob(f"{PREFIX}*.txt")):
        if candidate == own:
            continue
        try:
            info = candidate.stat()
            if info.st_size == 0:
                if time.time() - info.st_mtime > STALE_SECONDS:
                    candidate.unlink()
                continue  # another Min Plan that is still running
            reported_dir().mkdir(parents=True, exist_ok=True)
            moved = reported_dir() / candidate.name
            candidate.replace(moved)
        except OSError:
            log.warning("could not move the crash report %s", candidate.name)
            continue
        log.warning("the previous session crashed; report kept as %s", moved)
        found.append(moved)
    return found


def enable() -> Path | None:
    """Write native crashes of this process to a new file in the log folder; returns its path
    (None when the log folder cannot be written: then faulthandler writes to stderr)."""
    global _handle
    if _handle is not None:
        return Path(_handle.name)
    folder = paths.user_log_dir()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{PREFIX}{stamp}-{os.getpid()}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _handle = path.open("w", encoding="utf-8")
    except OSError:
        faulthandler.enable()
        return None
    faulthandler.enable(file=_handle, all_threads=True)
    atexit.register(_clean_exit)
    return path


def _clean_exit() -> None:
    """A normal exit: stop watching and remove this session's file if nothing was written."""
    global _handle
    if _handle is None:
        return
    faulthandler.disable()
    path = Path(_handle.name)
    _handle.close()
    _handle = None
    try:
        if path.stat().st_size == 0:
            path.unlink()
    except OSError:
        pass


def start() -> list[Path]:
    """At program start: the earlier crashes to report, then watch this session (unless
    faulthandler is on already, e.g. through ``python -X faulthandler`` or a test runner)."""
    reports = collect_reports()
    if not faulthandler.is_enabled():
        enable()
    return reports
