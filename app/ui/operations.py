"""Operations: the one way the GUI runs use cases (after Anki's ``aqt/operations``).

- ``read`` runs a query that may take longer than a moment (a whole jobcenter's deadlines) in Qt's
  thread pool and hands the result to the GUI thread; a newer read under the same key overtakes
  an older one, whose result is dropped. The trivial runs at once (``background=False``), so a
  caseworker's own list does not flicker. A job's thread never frees what the GUI thread made
  (see ``_Relay``): ``work`` may close over anything, but must not touch a widget.
- ``write`` runs a use case (one short audited transaction) and broadcasts what it changed.
- Expected errors (``MinPlanError``) go to one place, ``problem``, which the main window shows in
  the user's language; anything else is a bug and is raised on the GUI thread, where the crash
  handler reports it.
- ``changed`` carries a typed ``Change`` (the areas of ``app.domain.result.Area``) to every page
  that subscribed; no page is refreshed by name.
"""

from __future__ import annotations

import gc
import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal

from app.domain.errors import MinPlanError
from app.domain.result import Area, Saved

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """What a change touched: the areas, and the citizen when it was one citizen's."""

    areas: frozenset[Area] = field(default_factory=frozenset)
    citizen_id: int | None = None

    @classmethod
    def of(cls, saved: Saved) -> Change:
        return cls(saved.areas, saved.citizen_id)

    def touches(self, *areas: Area) -> bool:
        return not self.areas.isdisjoint(areas)


@dataclass(frozen=True)
class _Failed:
    error: Exception


@dataclass(frozen=True)
class _Waiting:
    done: Callable[[Any], None]
    failed: Callable[[MinPlanError], None] | None
    owner: QObject | None


@dataclass(frozen=True)
class _Flight:
    """What the GUI thread holds while a job runs: the job's runner and ``work`` are let go of
    here, in the GUI thread, after the job has let go of them."""

    runner: Operations
    key: str
    generation: int
    work: Callable[[], Any]


@dataclass
class _Outcome:
    """A job's result on its way to the GUI thread, which takes it out (so that the job's thread
    is left holding an empty box, never the last reference to the result)."""

    ticket: int
    result: object


class _Job(QRunnable):
    def __init__(
        self, ticket: int, work: Callable[[], Any], overtaken: threading.Event, relay: _Relay
    ) -> None:
        super().__init__()
        self.ticket, self.overtaken, self.relay = ticket, overtaken, relay
        self.work: Callable[[], Any] | None = work

    def run(self) -> None:
        work, self.work = self.work, None
        assert work is not None, "a job runs once"
        try:
            # A read overtaken while it waited for a thread is not run: a quick run down a list
            # with the arrow keys reads the rows it stops at, not every row it passes.
            result = None if self.overtaken.is_set() else work()
        except Exception as error:  # handed over: expected ones are shown, bugs raised there
            result = _Failed(error)
        del work  # the GUI thread holds it too, and lets go of it last
        outcome = _Outcome(self.ticket, result)
        del result
        try:
            self.relay.arrived.emit(outcome)
        except RuntimeError:  # the application is gone: nobody is waiting
            pass


class _Relay(QObject):
    """One per application, in the GUI thread: carries every job's outcome there.

    A job's thread must never free an object the GUI thread made. A Python subclass of a Qt
    class (every page, panel and table of the window) is deleted in whatever thread lets go of
    its last reference, or in whatever thread Python's cycle collector happens to run, and one
    deleted in a job's thread leaves its timers registered with the GUI thread, whose next timer
    event then goes to freed memory (a segmentation fault in the event loop, now and then). So
    the relay holds each job's runner and ``work`` until the job has let go of them, and the
    cycle collector is paused while any job runs (it collects in the GUI thread once they are
    done). It lives as long as the application: no job can emit on a deleted relay.
    """

    arrived = Signal(object)  # _Outcome

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self._flights: dict[int, _Flight] = {}
        self._tickets = itertools.count(1)
        self._paused = False
        self._collector_was_enabled = True
        self._resume = QTimer(self)  # a job's thread may still be finishing after its emit
        self._resume.setSingleShot(True)
        self._resume.setInterval(5)
        self._resume.timeout.connect(self._resume_collector)
        self.arrived.connect(self._arrived)

    def send(
        self,
        runner: Operations,
        key: str,
        generation: int,
        work: Callable[[], Any],
        overtaken: threading.Event,
    ) -> None:
        ticket = next(self._tickets)
        self._flights[ticket] = _Flight(runner, key, generation, work)
        if not self._paused:
            self._paused = True
            self._collector_was_enabled = gc.isenabled()
            gc.disable()
        QThreadPool.globalInstance().start(_Job(ticket, work, overtaken, self))

    def _arrived(self, outcome: _Outcome) -> None:
        result, outcome.result = outcome.result, None
        flight = self._flights.pop(outcome.ticket)
        try:
            if shiboken6.isValid(flight.runner):
                flight.runner._finished(flight.key, flight.generation, result)
        finally:
            del flight, result
            self._resume_collector()

    def _resume_collector(self) -> None:
        if not self._paused or self._flights:
            return
        if QThreadPool.globalInstance().activeThreadCount() > 0:
            self._resume.start()  # its thread is still letting go of the job
            return
        self._paused = False
        if self._collector_was_enabled:
            gc.enable()


_relays: list[_Relay] = []


def _relay() -> _Relay:
    """The application's relay (made in the GUI thread, by the first background read)."""
    if not _relays or not shiboken6.isValid(_relays[0]):
        _relays[:] = [_Relay(QCoreApplication.instance())]
    return _relays[0]


class Operations(QObject):
    problem = Signal(object)  # MinPlanError, for the one place that shows it
    changed = Signal(object)  # Change

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._generation: dict[str, int] = {}
        self._waiting: dict[str, _Waiting] = {}
        self._overtaken: dict[str, threading.Event] = {}  # set when a newer read comes
        #: The longest time a result handler held the GUI thread, in ms (``minplan bench``).
        self.longest_handler_ms = 0.0

    def read(
        self,
        key: str,
        work: Callable[[], T],
        done: Callable[[T], None],
        *,
        background: bool = True,
        failed: Callable[[MinPlanError], None] | None = None,
        owner: QObject | None = None,
    ) -> None:
        """Run ``work`` (no widgets in it: it may run in another thread), then ``done`` with its
        result on the GUI thread. A refusal is shown in the one place and also handed to
        ``failed`` (a page that said "counting…" says it no more); nothing is delivered to an
        ``owner`` widget that was closed meanwhile."""
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation
        waiting = _Waiting(done, failed, owner)
        older = self._overtaken.pop(key, None)
        if older is not None:
            older.set()
        if not background:
            self._waiting.pop(key, None)  # an older background read is overtaken
            try:
                result = work()
            except MinPlanError as error:  # the runner: the one place that catches
                self._refused(waiting, error)
                return
            self._handle(done, result)
            return
        self._waiting[key] = waiting
        self._overtaken[key] = overtaken = threading.Event()
        _relay().send(self, key, generation, work, overtaken)

    def idle(self) -> bool:
        """Whether no background read at all is on its way."""
        return not self._waiting

    def busy(self, key: str) -> bool:
        """Whether a background read under ``key`` is still on its way."""
        return key in self._waiting

    def now(self, work: Callable[[], T]) -> T | None:
        """Run a quick read at once and hand back its result (for a caller that needs it in
        the same breath, as a dialog's contents); ``None`` when it was refused (the reason is
        shown)."""
        try:
            return work()
        except MinPlanError as error:  # the runner: the one place that catches
            self.problem.emit(error)
            return None

    def write(self, work: Callable[[], T]) -> T | None:
        """Run a use case now (the user waits for their own save) and broadcast its change when
        it returns a ``Saved`` (a deletion's receipts are handed back as they are); ``None`` when
        it was refused (the reason is shown)."""
        result = self.now(work)
        if isinstance(result, Saved):
            self.announce(Change.of(result))
        return result

    def announce(self, change: Change) -> None:
        """Tell every subscribed page what changed (also for changes made in a dialog)."""
        self.changed.emit(change)

    def _finished(self, key: str, generation: int, result: object) -> None:
        if self._generation.get(key) != generation:
            return  # overtaken by a newer read
        waiting = self._waiting.pop(key, None)
        self._overtaken.pop(key, None)
        if waiting is None or (waiting.owner is not None and not shiboken6.isValid(waiting.owner)):
            return
        if isinstance(result, _Failed):
            if isinstance(result.error, MinPlanError):
                self._refused(waiting, result.error)
                return
            raise result.error
        self._handle(waiting.done, result)

    def _refused(self, waiting: _Waiting, error: MinPlanError) -> None:
        if waiting.failed is not None:
            waiting.failed(error)
        self.problem.emit(error)

    def _handle(self, done: Callable[[Any], None], result: object) -> None:
        started = time.perf_counter()
        done(result)
        held = (time.perf_counter() - started) * 1000
        self.longest_handler_ms = max(self.longest_handler_ms, held)
