"""The list search box: one search after the user pauses typing, a pasted page cut."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from app.domain.search import MAX_SEARCH_CHARS
from app.ui.search_box import search_box

pytestmark = pytest.mark.gui


def test_typing_searches_once_after_the_pause_and_a_pasted_page_is_cut(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    searches: list[str] = []
    box = search_box(
        parent,
        name="Search",
        description="Type a word",
        placeholder="Search the notes",
        search=lambda: searches.append(box.text()),
        pause_ms=50,
    )
    assert box.accessibleName() == "Search" and box.isClearButtonEnabled()
    for letter in "plan":
        box.insert(letter)
    assert searches == []  # nothing while the user types
    qtbot.waitUntil(lambda: searches == ["plan"], timeout=2000)
    qtbot.wait(120)
    assert searches == ["plan"]
    box.setText("x" * (MAX_SEARCH_CHARS + 50))
    assert len(box.text()) == MAX_SEARCH_CHARS
