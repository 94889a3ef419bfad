"""A hook for ``minplan bench``: note the moment the main window is usable, then quit.

When ``MINPLAN_BENCH_READY_FILE`` is set, the GUI writes ``{"ready_at": <time.time()>, …}`` to
that file as soon as the main window is shown and the citizen list has painted its first rows
(or has none to show), and quits. The bench started the process and knows when; the difference
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


def watch_when_asked(app: QApplication, window) -> None:  # type: ignore[no-untyped-def]
    path = os.environ.get(READY_FILE)
    if not path:
        return
    deadline = time.monotonic() + GIVE_UP_S

    def check() -> None:
        model = window.citizens.model
        painted = window.isVisible() and (model.rowCount() == 0 or bool(model.cache))
        if not painted and time.monotonic() < deadline:
            QTimer.singleShot(POLL_MS, check)
            return
        record = {
            "ready_at": time.time(),
            "painted": painted,
            "rows": model.rowCount(),
            "peak_rss_mb": peak_rss_mb(),
        }
        Path(path).write_text(json.dumps(record), encoding="utf-8")
        app.quit()

    QTimer.singleShot(0, check)
