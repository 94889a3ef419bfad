"""Python's cycle collector runs in the GUI thread only, while the window is open.

A Python subclass of a Qt class (every page, panel, table and dialog of the window) is deleted in
whatever thread frees it, and the cycle collector frees unreachable cycles in whatever thread
happens to allocate when its thresholds are passed. Deleted in another thread, a widget leaves
its timers registered with the GUI thread, and the next timer event goes to freed memory: a
segmentation fault in the event loop, now and then (found on 3 Dec 2026, see ``app.ui.operations``).
The window's other threads — the runner's reads, the search log, the paper batch, the integrity
check and the backup — allocate a great deal, so the collector often ran in them.

So automatic collection is switched off while the window is open, and a timer in the GUI thread
collects by the same thresholds Python would have used (the way pyqtgraph's ``GarbageCollector``
does it). Reference counting, which frees almost everything, is untouched.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the GUI thread looks at the collector's counts: often enough that garbage does not
#: pile up, rarely enough to cost nothing measurable (a look is a call to ``gc.get_count``).
CHECK_INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Collects cyclic garbage in the thread it lives in (the GUI thread) on a timer; automatic
    collection stays off until ``stop``. Make it before the window starts any thread."""

    def __init__(self, parent: QObject | None = None, *, on_timer: bool = True) -> None:
        """``on_timer=False``: only when ``check`` is called."""
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_INTERVAL_MS)
        self._timer.timeout.connect(self.check)
        if on_timer:
            self._timer.start()

    def check(self) -> None:
        """Collect the generations whose thresholds are passed, youngest first, as Python does."""
        young, middle, old = gc.get_count()
        if young > self.thresholds[0]:
            gc.collect(0)
            if middle > self.thresholds[1]:
                gc.collect(1)
                if old > self.thresholds[2]:
                    gc.collect(2)

    def stop(self) -> None:
        """Collection is automatic again (after the window has closed)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
