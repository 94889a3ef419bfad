"""A hook for ``minplan bench``: note the moment the main window is usable, then quit.

When ``MINPLAN_BENCH_READY_FILE`` is set, the GUI writes ``{"ready_at": <time.time()>, …}`` to
that file as soon as the main window is shown and its first page (I dag) has painted; it then
opens the citizen list, adds how many rows it shows once they are painted, and quits. The bench started the process and knows when; the difference
is the cold start. Without the variable nothing happens.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.bench.memory import peak_rss_mb

READY_FILE = "MINPLAN_BENCH_READY_FILE"
POLL_MS = 2
GIVE_UP_S = 120


def watch_when_asked(app: QApplication, window) -> None:
    path = os.environ.get(READY_FILE)
    if not path:
        return
    deadline = time.monotonic() + GIVE_UP_S
    record: dict[str, object] = {}

    def first_page_painted() -> bool:
        """The page a user sees first (I dag) has read and shown its lines."""
        page = window.pages.currentWidget()
        if page is window.pages.built("citizens"):  # (asking ``window.citizens`` would build it)
            return _list_painted(window)
        return bool(getattr(page, "loaded", True))

    def check() -> None:
        painted = window.isVisible() and first_page_painted()
        if not painted and time.monotonic() < deadline:
            QTimer.singleShot(POLL_MS, check)
            return
        record.update(ready_at=time.time(), painted=painted, first_page=_name(window))
        # Then the citizen list too, so a smoke test knows the database's citizens are shown.
        window.nav.setCurrentRow(window.pages.indexOf(window.citizens))
        QTimer.singleShot(0, list_check)

    def list_check() -> None:
        painted = _list_painted(window)
        if not painted and time.monotonic() < deadline:
            QTimer.singleShot(POLL_MS, list_check)
            return
        record.update(
            painted=bool(record["painted"]) and painted,
            list_at=time.time(),  # the list usable: the ORM loaded behind the window
            rows=window.citizens.model.rowCount(),
            peak_rss_mb=peak_rss_mb(),
        )
        Path(path).write_text(json.dumps(record), encoding="utf-8")
        app.quit()

    QTimer.singleShot(0, check)


def _list_painted(window) -> bool:
    model = window.citizens.model
    return bool(window.citizens.isVisible() and (model.rowCount() == 0 or model.cache))


def _name(window) -> str:
    return type(window.pages.currentWidget()).__name__
