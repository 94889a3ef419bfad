"""The window's pages in one stack, each built the first time it is shown or asked for.

A start shows one page (I dag); the others — the citizen list, Frister, Virksomheder, Mål og
indikatorer, Indstillinger, Adgangslog — read the database and import their own modules when they
are made, so making them all up front cost a start more than the first screen itself did
(issue #19). ``add_later`` puts a ``PageSlot`` in the page's place instead: an empty widget that
knows how to make the page. The page is made, and put where its slot stood, when the slot becomes
the current page (a click in the navigation, Ctrl+2, a test's ``setCurrentIndex``) or when code
asks for it by name (``page``: a menu action that needs the page builds it). Code that must not
build a page for nothing — "refresh the list if there is one" — asks ``built``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QStackedWidget, QWidget

log = logging.getLogger(__name__)


class PageSlot(QWidget):
    """Where a page not yet built will stand; ``name`` is the page's name in its ``PageStack``."""

    def __init__(self, name: str, build: Callable[[], QWidget], parent: QWidget) -> None:
        super().__init__(parent)
        self.name = name
        self.build = build


class PageStack(QStackedWidget):
    """A ``QStackedWidget`` whose pages are known by name and may be built on first use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pages: dict[str, QWidget] = {}
        #: Called before a page is built: a start that loads the ORM behind the window waits
        #: there for it (``app.ui.orm_loader``).
        self.before_build: Callable[[], None] = lambda: None
        self.currentChanged.connect(self._build_current)

    def add(self, name: str, page: QWidget) -> int:
        """A page built now."""
        self._pages[name] = page
        return self.addWidget(page)

    def add_later(self, name: str, build: Callable[[], QWidget]) -> int:
        """A page built by ``build()`` when first shown or asked for."""
        slot = PageSlot(name, build, self)
        self._pages[name] = slot
        return self.addWidget(slot)

    def built(self, name: str) -> QWidget | None:
        """The page if it has been built, else None (nothing is built)."""
        page = self._pages[name]
        return None if isinstance(page, PageSlot) else page

    def page(self, name: str) -> QWidget:
        """The page, built now if it was not yet."""
        page = self._pages[name]
        if isinstance(page, PageSlot):
            page = self._build(page)
        return page

    def names(self) -> list[str]:
        """The pages' names, built or not, in the order they were added."""
        return list(self._pages)

    def index_of(self, name: str) -> int:
        """The page's index in the stack, built or not (nothing is built)."""
        return self.indexOf(self._pages[name])

    def _build_current(self, _index: int) -> None:
        current = self.currentWidget()
        if isinstance(current, PageSlot):
            self._build(current)

    def _build(self, slot: PageSlot) -> QWidget:
        self.before_build()
        page = slot.build()
        self._pages[slot.name] = page
        index = self.indexOf(slot)
        showing = self.currentWidget() is slot
        self.insertWidget(index, page)  # the slot moves one place on, the page takes its place
        if showing:
            self.setCurrentIndex(index)
        self.removeWidget(slot)
        slot.deleteLater()
        log.debug("page %s built", slot.name)
        return page
