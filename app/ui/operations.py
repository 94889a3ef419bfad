"""Operations: the one way the GUI runs use cases (after Anki's ``aqt/operations``).

- ``read`` runs a query that may take longer than a moment (a whole jobcenter's deadlines) in Qt's
  thread pool and hands the result to the GUI thread; a newer read under the same key overtakes
  an older one, whose result is dropped. The trivial runs at once (``background=False``), so a
  caseworker's own list does not flicker.
- ``write`` runs a use case (one short audited transaction) and broadcasts what it changed.
- Expected errors (``MinPlanError``) go to one place, ``problem``, which the main window shows in
  the user's language; anything else is a bug and is raised on the GUI thread, where the crash
  handler reports it.
- ``changed`` carries a typed ``Change`` (the areas of ``app.casework.core.result.Area``) to every page
  that subscribed; no page is refreshed by name.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from app.casework.core.result import Area, Saved
from app.domain.errors import MinPlanError

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


class _Relay(QObject):
    """Carries a job's result to the GUI thread (a queued signal); lives as long as ``Operations``."""

    done = Signal(str, int, object)


class _Job(QRunnable):
    def __init__(self, key: str, generation: int, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.key, self.generation, self.work, self.relay = key, generation, work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed over: expected ones are shown, bugs raised there
            result = _Failed(error)
        try:
            self.relay.done.emit(self.key, self.generation, result)
        except RuntimeError:  # the window was closed meanwhile: nobody is waiting
            pass


@dataclass(frozen=True)
class _Failed:
    error: Exception


@dataclass(frozen=True)
class _Waiting:
    done: Callable[[Any], None]
    failed: Callable[[MinPlanError], None] | None
    owner: QObject | None


class Operations(QObject):
    problem = Signal(object)  # MinPlanError, for the one place that shows it
    changed = Signal(object)  # Change

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay = _Relay(self)
        self._relay.done.connect(self._finished)
        self._generation: dict[str, int] = {}
        self._waiting: dict[str, _Waiting] = {}
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
        QThreadPool.globalInstance().start(_Job(key, generation, work, self._relay))

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
