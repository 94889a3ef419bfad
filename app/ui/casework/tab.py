"""The contract between the citizen page and each of its tabs (Min Plan, Tilbud, Samtaler, …).

A tab shows one area of one citizen's case. It reads from the database in ``load`` (never keeps
ORM objects) and runs one use case per user action through the operations runner
(``run_change``), which shows a refusal and broadcasts what changed; the citizen page then reloads
every tab whose ``AREAS`` meet the change, and the other pages (the citizen list, Frister) refresh
themselves. Actions the
tab offers (with their shortcuts) are returned by ``actions()`` so the page can put them in the
"Borger" menu, where they are reachable from the keyboard whichever tab is showing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from app.casework.core.result import Area, Saved
from app.ui.casework.context import UiContext
from app.ui.operations import Change


class CitizenTab(QWidget):
    """Base class: subclasses set ``AREAS`` and ``TITLE`` and implement ``load``."""

    #: The areas of a change that make this tab reload (e.g. {Area.PLAN, Area.MILESTONES}).
    AREAS: frozenset[Area] = frozenset()

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.citizen_id: int | None = None

    def title(self) -> str:
        raise NotImplementedError

    def load(self, citizen_id: int) -> None:
        """Read and show this tab's data for ``citizen_id``."""
        raise NotImplementedError

    def reload(self) -> None:
        citizen_id = self.citizen_id
        if citizen_id is not None:
            self.ctx.ops.now(lambda: self.load(citizen_id))  # a refusal is shown in one place

    def actions(self) -> list[QAction]:
        """Actions for the citizen menu; each should have a shortcut and a status tip."""
        return []

    def has_unsaved_changes(self) -> bool:
        """True while the tab holds edits that are not saved (the page asks before leaving)."""
        return False

    def discard_changes(self) -> None:
        """Forget unsaved edits (after the user agreed to throw them away)."""

    def emit_saved(self, saved: Saved) -> None:
        """Tell every page what changed (the citizen page reloads the tabs that show it)."""
        self.ctx.ops.announce(Change.of(saved))

    def run_change(self, action: Callable[[], Saved]) -> None:
        """Run a use case for a user's action: a refusal is shown in the window's one place, a
        change is broadcast, and ``written`` sees the result."""
        saved = self.ctx.ops.write(action)
        if saved is not None:
            self.written(saved)

    def written(self, saved: Saved) -> None:
        """A hook for what a tab shows about its own change (an offer's warnings)."""

    # --- helpers for subclasses ------------------------------------------------------------
    def make_action(
        self, text: str, slot: Callable[[], Any], shortcut: str | None = None, *, tip: str = ""
    ) -> QAction:
        """An action whose shortcut works anywhere on the citizen page and shows in menus and tips."""
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            shown = QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shown})")
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def open_dialog(self, dialog: QDialog, on_saved: Callable[[Any], None]) -> QDialog:
        """Show a dialog without blocking; ``on_saved(result_value)`` runs when it is accepted."""
        dialog.accepted.connect(lambda: on_saved(getattr(dialog, "result_value", None)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        dialog.activateWindow()
        self.last_dialog = dialog
        return dialog

    def after(self, saved: Saved | None) -> None:
        """Called with a use case's result: reload through the page (which reloads this tab)."""
        if isinstance(saved, Saved):
            self.emit_saved(saved)
