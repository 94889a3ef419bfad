"""The access-log entry of a search, written off the keystroke's path.

Each search the citizen list runs is logged (``app.casework.privacy.access_log.record_search``: its own
transaction, sealed onto the audit chain, as before). Writing it waits for the database's write
lock and a sync to disk, which on a busy server or a slow disk costs more than the search itself;
so the entry is handed to one worker thread that writes the entries in the order they came, and
the list shows its rows at once. The hand-over waits ``HAND_OVER_DELAY_MS``, until the list has
painted its new rows: writing an entry is Python work too (sealing it onto the chain), and a
writer running beside the paint made the paint wait for Python's interpreter lock (at 300 000
citizens the window's work after a result took a median 22–28 ms so, 15–18 ms now). The field's timer leaves 150 ms
between searches, so an entry is written long before the next search runs. ``flush`` hands over
what waits and waits for every entry so far: before the list opens a citizen (so the log reads
"searched, then opened") and before the database closes. A failure is reported through
``failed`` on the GUI thread, as a synchronous one was.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait

from PySide6.QtCore import QObject, QTimer, Signal

from app.casework.core.actor import Actor
from app.casework.privacy.access_log import record_search
from app.domain.errors import MinPlanError
from app.store.engine import Database

log = logging.getLogger(__name__)

#: Longest wait for the entries handed over (a locked database gives up after its busy timeout).
FLUSH_TIMEOUT_S = 30.0
#: How long an entry waits before it is handed to the writer: the list's paint comes first.
HAND_OVER_DELAY_MS = 50


#: Every search log alive, for ``flush_all``.
_LIVE: weakref.WeakSet[SearchLog] = weakref.WeakSet()


def flush_all() -> None:
    """Wait for every search log's entries (before a database or its key goes away)."""
    for search_log in list(_LIVE):
        search_log.flush()


class SearchLog(QObject):
    failed = Signal(object)  # the MinPlanError of an entry that could not be written

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-log")
        self._pending: list[Future[None]] = []
        self._waiting: list[tuple[Database, Actor, str, int, list[int]]] = []  # not handed over
        self._hand_over = QTimer(self)
        self._hand_over.setSingleShot(True)
        self._hand_over.setInterval(HAND_OVER_DELAY_MS)
        self._hand_over.timeout.connect(self._submit_waiting)
        _LIVE.add(self)

    def record(
        self, db: Database, actor: Actor, criterion: str, *, hits: int, shown: Sequence[int]
    ) -> None:
        shown = list(shown)  # a copy: the model's ids change with the next search
        self._waiting.append((db, actor, criterion, hits, shown))
        if not self._hand_over.isActive():  # not restarted: a run of searches never starves it
            self._hand_over.start()

    def _submit_waiting(self) -> None:
        self._hand_over.stop()
        self._pending = [f for f in self._pending if not f.done()]
        waiting, self._waiting = self._waiting, []
        for entry in waiting:  # in the order they came
            self._pending.append(self._worker.submit(self._write, *entry))

    def _write(
        self, db: Database, actor: Actor, criterion: str, hits: int, shown: list[int]
    ) -> None:
        try:
            record_search(db, actor, criterion, hits=hits, shown=shown)
        except MinPlanError as problem:  # its own ordered thread: handed on to the one place
            self.failed.emit(problem)  # queued to the GUI thread
        except Exception:
            log.exception("the search could not be logged")

    def flush(self) -> None:
        """Wait until every entry recorded so far is written (or failed)."""
        if self._waiting:
            self._submit_waiting()
        if self._pending:
            wait(self._pending, timeout=FLUSH_TIMEOUT_S)
            self._pending = [f for f in self._pending if not f.done()]
