"""Waiting in GUI tests for the window's background reads (``app.ui.operations``)."""

from __future__ import annotations

from typing import Any

from app.ui.operations import Operations


def wait_idle(qtbot: Any, ops: Operations, timeout: int = 10_000) -> None:
    """Turn the event loop until no background read is on its way and the last has been
    handled (a citizen list's search shown, its count and selection set)."""
    qtbot.waitUntil(ops.idle, timeout=timeout)
