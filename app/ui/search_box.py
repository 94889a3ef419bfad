"""A search box for a list that searches again once the user pauses typing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.search import MAX_SEARCH_CHARS


def search_box(
    parent: QWidget,
    *,
    name: str,
    description: str,
    placeholder: str,
    search: Callable[[], object],
    pause_ms: int,
) -> QLineEdit:
    """A line edit (with a clear button, named for screen readers) that calls ``search`` once
    typing has paused for ``pause_ms``; a pasted page is cut to ``MAX_SEARCH_CHARS``."""
    box = QLineEdit(parent)
    box.setAccessibleName(name)
    box.setAccessibleDescription(description)
    box.setPlaceholderText(placeholder)
    box.setClearButtonEnabled(True)
    box.setMaxLength(MAX_SEARCH_CHARS)
    timer = QTimer(box, singleShot=True, interval=pause_ms)
    timer.timeout.connect(search)
    box.textChanged.connect(timer.start)
    return box
