"""The runner's jobs never free a window's objects in their own thread.

A widget or other Qt object made in Python (a page, a panel, a table: a subclass) is deleted in
whatever thread lets go of its last reference, or in whatever thread Python's cycle collector
happens to run. A job's thread that deletes one leaves its timers registered with the window's
thread ("QObject::~QObject: Timers cannot be stopped from another thread"); the next timer
event goes to freed memory and the process dies in the event loop (the test run's rare
segmentation fault in ``_process_events`` after a window test, 3 Dec). Qt's own classes are
handed to the GUI thread by the binding; subclasses are not."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QWidget
from qt_reads import wait_idle

from app.ui.operations import Operations

pytestmark = pytest.mark.gui


class _Page(QWidget):
    """A page as the window has them: a Python subclass, with a running timer."""

    def __init__(self) -> None:
        super().__init__()
        self.tick = QTimer(self)
        self.tick.start(60_000)


def _record_deletion(obj: QObject, threads: list[str]) -> None:
    def deleted(*_args: object) -> None:
        threads.append(threading.current_thread().name)

    obj.destroyed.connect(deleted, Qt.ConnectionType.DirectConnection)


def _idle(qtbot, ops: Operations) -> None:  # type: ignore[no-untyped-def]
    wait_idle(qtbot, ops)
    QThreadPool.globalInstance().waitForDone(10_000)


def test_a_page_whose_last_reference_goes_with_a_jobs_work_is_deleted_in_the_gui_thread(
    qtbot,
) -> None:
    ops = Operations()
    deleted_in: list[str] = []

    def work_holding_a_page() -> Callable[[], int]:
        page = _Page()
        _record_deletion(page, deleted_in)

        def work() -> int:  # holds the page (without touching it), and nothing else does
            time.sleep(0.05)
            return 1 if page is not None else 0

        return work

    results: list[int] = []
    ops.read("page", work_holding_a_page(), results.append)
    _idle(qtbot, ops)
    qtbot.waitUntil(lambda: bool(deleted_in), timeout=5_000)
    assert results == [1]
    assert deleted_in == [threading.main_thread().name]


def test_a_window_object_in_a_reference_cycle_is_not_collected_in_a_jobs_thread(qtbot) -> None:
    ops = Operations()
    deleted_in: list[str] = []
    gc.collect()

    def orphaned_page() -> None:
        page = _Page()
        page.me = page  # a cycle: only the cycle collector frees it
        _record_deletion(page, deleted_in)

    orphaned_page()

    def work() -> int:  # allocates enough to set off the cycle collector many times over
        return len([[n] for n in range(300_000)])

    results: list[int] = []
    ops.read("many", work, results.append)
    _idle(qtbot, ops)
    assert results == [300_000]
    gc.collect()
    qtbot.waitUntil(lambda: bool(deleted_in), timeout=5_000)
    assert deleted_in == [threading.main_thread().name]


def test_many_quick_reads_in_a_row_run_only_the_last_of_those_waiting_for_a_thread(
    qtbot,
) -> None:
    """A quick run down a list with the arrow keys: each row's read overtakes the one before;
    those still waiting for a thread are not run, only the last one is delivered, and the cycle
    collector is as it was once they are all done."""
    ops = Operations()
    was_enabled = gc.isenabled()
    ran: list[int] = []
    seen: list[int] = []

    def read_row(n: int) -> Callable[[], int]:
        def work() -> int:
            ran.append(n)
            time.sleep(0.02)
            return n

        return work

    for n in range(40):
        ops.read("row", read_row(n), seen.append)
    _idle(qtbot, ops)
    qtbot.waitUntil(lambda: gc.isenabled() == was_enabled, timeout=5_000)
    assert seen == [39]
    assert ran[-1] == 39 and len(ran) <= QThreadPool.globalInstance().maxThreadCount() + 1


def test_a_job_finishing_after_its_owner_and_runner_are_gone_delivers_nothing(qtbot) -> None:
    ops = Operations()
    page = _Page()
    seen: list[str] = []

    def slow() -> str:
        time.sleep(0.2)
        return "late"

    ops.read("late", slow, seen.append, owner=page)
    page.deleteLater()
    del page, ops
    gc.collect()
    qtbot.wait(50)  # the page and the runner are gone before the result comes
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(50)
    assert seen == []
