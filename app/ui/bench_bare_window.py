"""The cold start's floor: a bare PySide6 window with a 40-row table, started as its own process.

    python -m app.ui.bench_bare_window READY_FILE

It writes ``{"ready_at": <time.time()>}`` once the window is shown and the table has painted, then
quits, exactly as ``app.ui.ready_probe`` does for Min Plan; the bench launches both alternately and
reports Min Plan's cold start as a multiple of this one.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROWS, COLUMNS = 40, 5


def main(argv: list[str]) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableWidget, QTableWidgetItem

    app = QApplication(argv[:1])
    window = QMainWindow()
    table = QTableWidget(ROWS, COLUMNS)
    for row in range(ROWS):
        for column in range(COLUMNS):
            table.setItem(row, column, QTableWidgetItem(f"Række {row + 1}, kolonne {column + 1}"))
    window.setCentralWidget(table)
    window.resize(1200, 800)
    window.show()

    def ready() -> None:
        table.viewport().repaint()
        Path(argv[1]).write_text(json.dumps({"ready_at": time.time()}), encoding="utf-8")
        app.quit()

    QTimer.singleShot(0, ready)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
