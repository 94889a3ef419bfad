"""A one-line progress bar on stderr for long command-line work (demo data, imports)."""

from __future__ import annotations

import sys


def stderr_progress(done: int, total: int, what: str = "") -> bool:
    """A one-line progress bar on stderr for long CLI work; returns True to continue."""
    if not sys.stderr.isatty() or total <= 0:
        return True
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r{what[:24]:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
    return True
