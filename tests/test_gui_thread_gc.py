"""While the window is open, Python's cycle collector runs only in the GUI thread
(``app.ui.gui_thread_gc``): a window object freed by the collector in another thread — the search
log's, the paper batch's, the integrity check's — crashed the event loop now and then."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QWidget

from app.ui.gui_thread_gc import GuiThreadCollector

pytestmark = pytest.mark.gui


class _Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.tick = QTimer(self)
        self.tick.start(60_000)


class _Allocating(QThread):
    """A worker thread as the window has them, allocating enough to set off the collector."""

    def run(self) -> None:
        for _round in range(20):
            self.kept = [[n] for n in range(50_000)]


@pytest.fixture
def collector(qapp):  # type: ignore[no-untyped-def]
    was_enabled = gc.isenabled()
    gc.enable()
    made = GuiThreadCollector()
    yield made
    made.stop()
    made.deleteLater()
    if not was_enabled:
        gc.disable()


def test_automatic_collection_is_off_until_stopped_and_on_again_after(collector) -> None:
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled()


def test_a_window_object_in_a_cycle_is_freed_in_the_gui_thread_while_a_worker_allocates(
    qtbot, collector
) -> None:
    gc.collect()
    deleted_in: list[str] = []

    def orphaned_page() -> None:
        page = _Page()
        page.me = page  # a cycle: only the collector frees it
        page.destroyed.connect(lambda *_: deleted_in.append(threading.current_thread().name))

    orphaned_page()
    worker = _Allocating()
    worker.start()
    assert worker.wait(30_000)
    assert deleted_in == [], "no collection ran in the worker's thread"
    qtbot.waitUntil(lambda: bool(deleted_in), timeout=5_000)  # the GUI thread's timer collects
    assert deleted_in == [threading.main_thread().name]
