"""SQLAlchemy, the table classes and the use cases, loaded in a thread behind a shown window.

An everyday start shows I dag read through the driver (``app.store.first_screen``) and only
then loads the ORM (a third of a start: issue #19), here, in a thread beside the window, which
stays answering while it loads (its longest stall measured 36–46 ms). Only pure Python imports
run in the thread; nothing of Qt is touched there.

Nothing that needs the ORM runs before it is loaded:

- the database's engine is made on first use and waits here first (``wait``, from any thread);
- a page is built only after the wait (``PageStack.before_build``);
- a click, a key, a shortcut or closing the window waits first (``InputGate``): the action
  then runs as it always did, a moment later;
- what the ordinary start did with the ORM before the window (the access log's purge, the
  background check and backup, the page modules) runs after it (``when_loaded``), on the
  window's thread.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer

log = logging.getLogger(__name__)

#: What the loader imports, in this order: the ORM, the tables, the use cases (with their
#: session hooks) and the I dag page's own read.
MODULES = (
    "sqlalchemy",
    "sqlmodel",
    "app.store.engine",
    "app.store.models",
    "app.casework",
    "app.casework.deadlines.today",
    "app.casework.core.sign_in",
)
#: How often the window's thread looks whether the loader has finished.
POLL_MS = 10

_current: OrmLoader | None = None


def wait() -> None:
    """Wait until the ORM is loaded (at once when no loader was made), from any thread; on the
    window's thread a loader not yet started is started now. What
    waits for the load (``when_loaded``) is left to the window's own turn (the database's
    engine waits here while it is being made, and those steps use it)."""
    if _current is None:
        return
    if threading.current_thread() is threading.main_thread():
        _current.start()  # not yet started (the first paint has not come): now
    _current.join()


class OrmLoader(QObject):
    """One load of ``MODULES`` in a thread; ``when_loaded`` callbacks run on the window's
    thread once it is done."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = threading.Thread(target=self._load, name="minplan-orm-loader", daemon=True)
        self._done = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._started = False
        self._running = False
        self.error: BaseException | None = None
        global _current
        _current = self  # the one ``wait`` waits for

    def start(self) -> None:
        """Start loading (once); the window's thread looks every ``POLL_MS`` whether it is done."""
        if self._started:
            return
        self._started = True
        self._thread.start()
        QTimer.singleShot(POLL_MS, self._poll)

    @property
    def loaded(self) -> bool:
        return self._done.is_set()

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` on the window's thread once the ORM is loaded (now, if it is)."""
        self._callbacks.append(callback)
        if self.loaded and threading.current_thread() is threading.main_thread():
            self._run_callbacks()

    def wait(self) -> None:
        """Until the ORM is loaded; on the window's thread, then what waited for it. Not yet
        started, it is started now from the window's thread (another thread goes on: it then
        imports what it needs itself)."""
        on_window_thread = threading.current_thread() is threading.main_thread()
        if not self._started:
            if not on_window_thread:
                return
            self.start()
        self._thread.join()
        if on_window_thread:
            self._run_callbacks()

    def join(self) -> None:
        """Until the ORM is loaded (at once when it was never started)."""
        if self._started:
            self._thread.join()

    def _load(self) -> None:
        try:
            for name in MODULES:
                importlib.import_module(name)
        except BaseException as problem:  # raised again where the ORM is then used
            self.error = problem
            log.exception("loading the database layer failed")
        finally:
            self._done.set()

    def _poll(self) -> None:
        if self.loaded:
            self._run_callbacks()
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def _run_callbacks(self) -> None:
        if not shiboken6.isValid(self):  # the window (its parent) is gone: nothing to do for it
            self._callbacks.clear()
            return
        if self._running:  # a step waiting again (its own read): the steps go on in turn
            return
        self._running = True
        try:
            while self._callbacks:
                self._callbacks.pop(0)()
        finally:
            self._running = False


#: Input that may start an action needing the ORM: it waits for the load first.
_WAITING_INPUT = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.KeyPress,
        QEvent.Type.ShortcutOverride,
        QEvent.Type.Shortcut,
        QEvent.Type.ContextMenu,
        QEvent.Type.Close,
    }
)


class StartAfterPaint(QObject):
    """Starts the loader once ``widget`` has painted (the first screen is on the screen), so that
    the load does not share the interpreter with the first paint; ``FALLBACK_MS`` after it was
    made if no paint came (a minimised window)."""

    FALLBACK_MS = 300

    def __init__(self, loader: OrmLoader, widget: QObject) -> None:
        super().__init__(widget)
        self.loader = loader
        widget.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, loader.start)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint and not self.loader._started:
            QTimer.singleShot(0, self.loader.start)  # after this paint has finished
        return False


class InputGate(QObject):
    """Installed on the application while the ORM loads: a click, a key or a close waits for
    the load, then goes on as usual (nothing is dropped)."""

    def __init__(self, loader: OrmLoader, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = loader

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if (
            shiboken6.isValid(self.loader)
            and not self.loader.loaded
            and event.type() in _WAITING_INPUT
        ):
            self.loader.wait()
        return False
