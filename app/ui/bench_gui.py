"""The GUI half of ``minplan bench``, run in its own process (offscreen)::

    python -m app.ui.bench_gui --db FILE --user INITIALS --as-of 2026-11-23 --out FILE.json

(or with ``MINPLAN_DATABASE_URL`` in the environment for PostgreSQL). It opens the real main
window as that caseworker and measures what the caseworker waits for, each time until the table
has painted its rows: the citizen list's first screen (all citizens, and my caseload), search as
you type (keys typed into the search field; each key then runs the search the field's timer
would run after its 150 ms pause; beside each, the same search query alone, the floor), the deadline worklist opening, and the process's peak memory
with the list open. It also measures how long the window stood still (the longest gap between
the ticks of a 5 ms timer) while each page not yet shown is opened, the list of users is read
again, an administrator lists the citizens due for deletion, the arrow key is held down the
company list, the citizen list of everybody is sorted by each column, the citizen list switches
to all citizens, a search is typed key by key, and a team lead's list of everybody's deadlines is
read: work the operations runner moves off the GUI thread. Figures are written as JSON for the bench to collect.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import cast

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import (  # noqa: E402
    QEventLoop,
    Qt,  # noqa: E402
    QTimer,
)
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app import i18n  # noqa: E402
from app.bench.memory import peak_rss_mb  # noqa: E402
from app.casework.citizens.citizen_list import fetch_citizen_rows, find_citizen_ids  # noqa: E402
from app.casework.citizens.citizen_search import search_citizens  # noqa: E402
from app.domain.search import search_terms  # noqa: E402
from app.store.engine import Database, open_sqlite, open_url, transaction  # noqa: E402
from app.ui.citizens.page import ALL_CITIZENS, MY_CASELOAD  # noqa: E402
from app.ui.citizens.table_model import LIST_READ  # noqa: E402


def _open(db_path: str | None) -> Database:
    url = os.environ.get("MINPLAN_DATABASE_URL")
    return open_url(url) if url else open_sqlite(db_path or "", create=False)


def search_inputs(db: Database, today: date, words: int) -> list[str]:
    """What caseworkers type: full names, last names, CPR numbers and Danish birth dates of
    citizens spread over the list (deterministic)."""
    ids = find_citizen_ids(db, today=today)
    if not ids:
        return []
    step = max(1, len(ids) // (words + 1))
    rows = fetch_citizen_rows(db, ids[step::step][:words], today=today)
    inputs = []
    for n, row in enumerate(rows.values()):
        kind = n % 4
        if kind == 0:
            inputs.append(row.name)
        elif kind == 1:
            inputs.append(row.last_name)
        elif kind == 2:
            inputs.append(f"{row.cpr[:6]}-{row.cpr[6:]}")
        else:
            inputs.append(row.birth_date.strftime("%d.%m.%Y"))
    return inputs


def _time_parts_of_the_search(page) -> tuple[list[float], list[float]]:
    """Wrap the two database steps of a search (the id query with its first page of rows, which
    runs in the background, and the hand-over of its access-log entry, which a worker thread
    writes: ``app.ui.citizens.search_log``) to time them."""
    query_s: list[float] = []
    audit_s: list[float] = []
    finder, record_search = page.model.finder, page.search_log.record

    def timed_finder(*args, **kwargs):
        find = finder(*args, **kwargs)

        def timed_find():
            started = time.perf_counter()
            found = find()
            query_s.append(time.perf_counter() - started)  # (a list appends atomically)
            return found

        return timed_find

    def timed_record(*args, **kwargs):
        started = time.perf_counter()
        record_search(*args, **kwargs)
        audit_s.append(time.perf_counter() - started)

    page.model.finder = timed_finder
    page.search_log.record = timed_record
    return query_s, audit_s


class StallMeter:
    """The longest time the GUI thread did not get round to a 5 ms timer: what a user feels as a
    window that stands still (a handler that blocks, a sort, a read on the GUI thread)."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def measure(self, action, done, timeout_s: float = 120.0) -> float:
        """Run ``action`` from the event loop, turn the loop until ``done()``; the longest stall
        in seconds."""
        self.longest, self.last = 0.0, time.perf_counter()
        self.timer.start()
        QTimer.singleShot(0, action)
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        deadline = time.perf_counter() + timeout_s
        while not done() and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
            time.sleep(0.001)
        QApplication.processEvents()
        self.timer.stop()
        return max(self.longest, time.perf_counter() - self.last)


def _company_moves(meter: StallMeter, page, ops, moves: int = 10) -> float:
    """Down the company list with the arrow key, a key every 30 ms (a held key), from the first
    company; the longest stall until the last one's details are there."""
    moves = min(moves, page.list.rowCount() - 1)
    pressed: list[int] = []

    def press() -> None:
        QTest.keyClick(page.list, Qt.Key.Key_Down)
        pressed.append(1)

    def run() -> None:
        page.list.setFocus()
        page.list.selectRow(0)
        for n in range(moves):
            QTimer.singleShot(30 * (n + 1), press)

    return meter.measure(run, lambda: len(pressed) >= moves and ops.idle())


def settle(ops) -> None:
    """Turn the event loop until no background read is on its way (the list's rows are there)."""
    while not ops.idle():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    QApplication.processEvents()


def _list_stalls(meter: StallMeter, page, ops, inputs: list[str]) -> dict[str, float]:
    """The longest stall of the citizen list's scope change to all citizens (of three) and of
    any search keystroke (each key, then the search the field's timer runs after its pause),
    until the new rows are there and painted."""
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the order the list opens in
    settle(ops)
    scope_changes = []
    for _ in range(3):
        page.scope.setCurrentIndex(MY_CASELOAD)
        settle(ops)
        scope_changes.append(
            meter.measure(lambda: page.scope.setCurrentIndex(ALL_CITIZENS), ops.idle)
        )
    keystrokes: list[float] = []
    for text in inputs:
        page.search.clear()
        page.apply_filter()
        settle(ops)
        for char in text:

            def key(c: str = char) -> None:
                QTest.keyClicks(page.search, c)
                page.apply_typed_search()  # what the field's timer runs once the user pauses

            keystrokes.append(meter.measure(key, ops.idle))
    page.search.clear()
    page.apply_filter()
    settle(ops)
    return {"list_all": max(scope_changes), "search_keystroke_max": max(keystrokes, default=0.0)}


def _stalls(db: Database, window, as_of: date, inputs: list[str]) -> dict[str, float]:
    """The longest stall of each action that may take seconds at a large jobcenter."""
    from app.casework.admin.users import list_users
    from app.ui.casework.context import UiContext
    from app.ui.worklist.page import WorklistPage

    meter = StallMeter()
    found: dict[str, float] = {}
    ops = window.ctx.ops
    # Each page not shown yet, opened from the navigation (made and filled on first show), and
    # the users list read again as after an administrator's change (a jobcenter has hundreds).
    for name in window.pages.names():
        if name != "citizen" and window.pages.built(name) is None:
            found[f"open_{name}"] = meter.measure(
                lambda n=name: window.nav.setCurrentRow(window.pages.index_of(n)), ops.idle
            )
    settings = window.pages.page("settings")
    found["users_refresh"] = meter.measure(settings.users.refresh, ops.idle)
    if settings.retention.is_admin:  # the citizens due for deletion (every last activity)
        found["retention_list"] = meter.measure(settings.retention.list_due, ops.idle)
        listed = settings.retention.current
        found["retention_list_rows"] = float(len(listed.candidates) if listed else -1)
    found["company_moves"] = _company_moves(meter, window.pages.page("companies"), ops)
    page = window.citizens
    window.nav.setCurrentRow(window.pages.indexOf(page))
    page.scope.setCurrentIndex(ALL_CITIZENS)
    QApplication.processEvents()
    for column in range(page.model.columnCount()):
        for order in (0, 1):
            found[f"sort_column_{column}_{'desc' if order else 'asc'}"] = meter.measure(
                lambda c=column, o=order: page.table.sortByColumn(c, Qt.SortOrder(o)),
                lambda: not ops.busy(LIST_READ),
            )
    found.update(_list_stalls(meter, page, ops, inputs))
    from app.casework.core.sign_in import resolve_actor

    leads = [u.initials for u in list_users(db) if u.role in ("teamlead", "admin") and u.active]
    with transaction(db) as session:
        actor = resolve_actor(session, leads[0]) if leads else None
    if actor is not None:
        ctx = UiContext(db, actor, lambda: as_of)
        worklist = WorklistPage(ctx)
        kinds = [(worklist.scope.itemData(i) or ("",))[0] for i in range(worklist.scope.count())]
        everybody = kinds.index("all") if "all" in kinds else -1
        if everybody >= 0:
            worklist.scope.blockSignals(True)
            worklist.scope.setCurrentIndex(everybody)
            worklist.scope.blockSignals(False)
            found["worklist_everybody"] = meter.measure(
                worklist.refresh, lambda: worklist.loaded and not ctx.ops.busy("worklist")
            )
            found["worklist_everybody_rows"] = float(worklist.table.rowCount())
            # of which the page's own handler on the GUI thread (filling the table)
            found["worklist_everybody_handler"] = ctx.ops.longest_handler_ms / 1000
        worklist.deleteLater()
    found["window_longest_handler"] = ops.longest_handler_ms / 1000
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.ui.bench_gui")
    parser.add_argument("--db")
    parser.add_argument("--user", required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--words", type=int, default=12)
    args = parser.parse_args(argv)
    i18n.set_language("da")

    from app.casework.core.sign_in import resolve_actor
    from app.ui.casework.context import UiContext
    from app.ui.main_window import MainWindow

    db = _open(args.db)
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    with transaction(db) as session:
        actor = resolve_actor(session, args.user)
    window = MainWindow(UiContext(db, actor, lambda: args.as_of))
    window.show()
    QApplication.processEvents()
    # as the program does 1.5 s after its start: the pages' code imported in the background
    window.prepare_pages()
    while not window.ctx.ops.idle():
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)
    window.nav.setCurrentRow(window.pages.indexOf(window.citizens))  # I dag is the first page
    QApplication.processEvents()
    page, table = window.citizens, window.citizens.table

    def painted() -> None:
        """Paint the table now (synchronously), which fetches the rows it shows."""
        table.viewport().repaint()
        QApplication.processEvents()

    def open_scope(scope: int) -> float:
        page.scope.setCurrentIndex(MY_CASELOAD if scope == ALL_CITIZENS else ALL_CITIZENS)
        settle(window.ctx.ops)
        painted()
        started = time.perf_counter()
        page.scope.setCurrentIndex(scope)  # runs the query, resets the model when it is there
        settle(window.ctx.ops)
        painted()
        return time.perf_counter() - started

    runs = max(1, args.repeat)
    all_screens = [open_scope(ALL_CITIZENS) for _ in range(runs)]
    rows_all = page.model.rowCount()
    assert page.model.cache or not rows_all, "the list painted no rows"
    mine_screens = [open_scope(MY_CASELOAD) for _ in range(runs)]
    rows_mine = page.model.rowCount()

    page.scope.setCurrentIndex(ALL_CITIZENS)
    settle(window.ctx.ops)
    painted()
    query_s, audit_s = _time_parts_of_the_search(page)
    keystrokes: list[float] = []
    bare: list[float] = []  # the floor: the same search query alone, right after each keystroke
    typed: list[int] = []  # characters in the field after each keystroke
    hits: list[int] = []
    log_waits: list[float] = []  # waiting for the search log after each key (not in the keystroke)
    inputs = search_inputs(db, args.as_of, args.words)
    for text in inputs:
        page.search.clear()
        page.apply_filter()
        settle(window.ctx.ops)
        painted()
        last_terms: list[str] = []
        for char in text:
            started = time.perf_counter()
            QTest.keyClicks(page.search, char)
            page.apply_typed_search()  # what the field's timer runs once the user pauses
            settle(window.ctx.ops)
            painted()
            keystrokes.append(time.perf_counter() - started)
            # The field's timer waits 150 ms after a key before it searches, and the search log
            # writes the entry of the last search meanwhile (a few ms); the bench skips that
            # pause, so it lets the entry be written here, untimed but recorded, as a user's
            # pause would, before the floor and the next key.
            started = time.perf_counter()
            page.search_log.flush()
            log_waits.append(time.perf_counter() - started)
            typed.append(len(page.search.text().strip()))
            terms = search_terms(page.search.text())
            if terms != last_terms:  # the page, too, searches again only when the terms change
                started = time.perf_counter()
                search_citizens(db, page.search.text(), today=args.as_of)
                bare.append(time.perf_counter() - started)
            else:
                bare.append(0.0)
            last_terms = terms
        hits.append(page.model.rowCount())
    page.search.clear()
    page.apply_filter()
    settle(window.ctx.ops)
    painted()
    started = time.perf_counter()
    page.search_log.flush()  # the entries the worker thread had not written yet
    log_flush_s = time.perf_counter() - started
    memory_with_list = peak_rss_mb()

    worklist_runs = []
    started = time.perf_counter()
    # "Frister": the page loads its deadlines when first shown
    window.nav.setCurrentRow(window.pages.indexOf(window.worklist))
    window.worklist.table.viewport().repaint()
    QApplication.processEvents()
    worklist_runs.append(time.perf_counter() - started)
    for _ in range(runs - 1):
        started = time.perf_counter()
        window.worklist.refresh()
        window.worklist.table.viewport().repaint()
        QApplication.processEvents()
        worklist_runs.append(time.perf_counter() - started)

    stalls = _stalls(db, window, args.as_of, inputs)
    result = {
        "stalls_s": stalls,
        "list_all_s": all_screens,
        "list_all_rows": rows_all,
        "list_mine_s": mine_screens,
        "list_mine_rows": rows_mine,
        "search_s": keystrokes,
        "search_bare_s": bare,
        "search_typed": typed,
        "search_query_s": query_s,
        "search_audit_s": audit_s,
        "search_log_flush_s": log_flush_s,
        "search_log_wait_s": log_waits,
        "search_inputs": len(inputs),
        "search_hits": hits,
        "worklist_s": worklist_runs,
        "worklist_rows": window.worklist.table.rowCount(),
        "peak_rss_mb_list_open": memory_with_list,
        "peak_rss_mb_end": peak_rss_mb(),
        "font": app.font().family(),
        "qt_platform": app.platformName(),
    }
    Path(args.out).write_text(json.dumps(result), encoding="utf-8")
    # the bench answers the leave prompt itself
    window.citizen_page.may_leave = lambda: True  # type: ignore[method-assign]
    window.close()
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
