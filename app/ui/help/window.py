"""The help window: a table of contents and a search field beside the Markdown text.

One window per main window, non-modal, kept open beside the work (F1 again brings it forward at
the section for the page in front). The text is the Markdown of one help file at a time
(``QTextBrowser.setMarkdown``); a heading in the table of contents scrolls to it. The search
looks through every file's sections and lists the ones that contain all the words; Enter in the
search field opens the first and marks the word.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt, QTimer, QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextBlock, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QLineEdit,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.ui.help.topics import FILES, Section, help_dir, images_dir, markdown, sections

_TOPIC_COMMENT = re.compile(r"^<!--\s*topic:.*?-->\s*$", re.MULTILINE)
ROLE = Qt.ItemDataRole.UserRole


class HelpWindow(QWidget):
    """``show_topic(file, topic)`` opens a file at a section; ``current`` is (file, topic)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(_("Min Plan: help"))
        self.resize(960, 640)
        self.current: tuple[str, str] = ("", "")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(_("Search the help"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search the help"))
        self.search.setAccessibleDescription(
            _(
                "Type a word; the contents then show only the sections that "
                "contain it. Enter opens the first of them."
            )
        )
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._open_first_hit)
        self.contents = QTreeWidget(self)
        self.contents.setHeaderHidden(True)
        self.contents.setAccessibleName(_("Contents"))
        self.contents.itemActivated.connect(self._open_item)
        self.contents.itemClicked.connect(self._open_item)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName(_("Help text"))
        self.text.anchorClicked.connect(self._link)
        self.text.setOpenLinks(False)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.contents, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.text)
        split.setStretchFactor(1, 1)
        split.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self, self._focus_search)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        self._sections: list[Section] = []
        self._fill_contents()

    # --- contents ------------------------------------------------------------------------
    def _fill_contents(self) -> None:
        self.contents.clear()
        self._sections = []
        for file in FILES:
            found = sections(file)
            self._sections.extend(found)
            parents: dict[int, QTreeWidgetItem] = {}
            for section in found:
                parent = next(
                    (
                        parents[level]
                        for level in range(section.level - 1, 0, -1)
                        if level in parents
                    ),
                    None,
                )
                item = QTreeWidgetItem([section.title])
                item.setData(0, ROLE, (file, section.title))
                if parent is None:
                    self.contents.addTopLevelItem(item)
                else:
                    parent.addChild(item)
                parents = {k: v for k, v in parents.items() if k < section.level}
                parents[section.level] = item
        self.contents.expandToDepth(0)

    def _filter(self, text: str) -> None:
        words = [w.casefold() for w in text.split() if w]
        self._hits: list[tuple[str, str]] = []

        def walk(item: QTreeWidgetItem | None) -> bool:
            assert item is not None  # an index below the count
            file, title = item.data(0, ROLE)
            section = next((s for s in self._sections if s.file == file and s.title == title), None)
            haystack = f"{title}\n{section.text if section else ''}".casefold()
            mine = all(w in haystack for w in words)
            if mine and words:
                self._hits.append((file, title))
            shown_child = False
            for index in range(item.childCount()):
                shown_child = walk(item.child(index)) or shown_child
            visible = mine or shown_child or not words
            item.setHidden(not visible)
            if words and shown_child:
                item.setExpanded(True)
            return visible

        for index in range(self.contents.topLevelItemCount()):
            walk(self.contents.topLevelItem(index))

    def _open_first_hit(self) -> None:
        hits = getattr(self, "_hits", [])
        if not hits:
            return
        file, title = hits[0]
        self._show(file, title)
        word = self.search.text().split()[0] if self.search.text().split() else ""
        if word:
            self.text.find(word)

    def _open_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        file, title = item.data(0, ROLE)
        self._show(file, title)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    # --- showing ---------------------------------------------------------------------------
    def show_topic(self, file: str, topic: str = "") -> None:
        """Open ``file`` at the heading marked with ``topic`` (the top when none), bring forward."""
        title = next((s.title for s in sections(file) if topic and s.topic == topic), "")
        self._show(file, title)
        self.current = (file, topic)
        self.show()
        self.raise_()
        self.activateWindow()

    def _show(self, file: str, title: str) -> None:
        if self.text.property("file") != file:
            folder = help_dir()
            self.text.setSearchPaths([str(folder), str(images_dir())])
            self.text.document().setBaseUrl(QUrl.fromLocalFile(str(folder) + "/"))
            self.text.setMarkdown(
                _TOPIC_COMMENT.sub("", markdown(file)),
            )
            self.text.setProperty("file", file)
            self._fit_images()
        self.current = (file, next((s.topic for s in sections(file) if s.title == title), ""))
        self._scroll_to(title)

    def _scroll_to(self, title: str) -> None:
        document: QTextDocument = self.text.document()
        block = document.begin()
        while block.isValid():
            if block.blockFormat().headingLevel() and block.text().strip() == title.strip():
                self.text.setTextCursor(QTextCursor(block))
                self._top_block: QTextBlock | None = block
                self._to_top()
                QTimer.singleShot(0, self._to_top)  # again once the window has its size
                QTimer.singleShot(10, self._to_top)
                return
            block = block.next()
        self._top_block = None
        self.text.verticalScrollBar().setValue(0)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_images)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._fit_images()

    def _fit_images(self) -> None:
        """Screenshots no wider than the text: scaled down (never up), the aspect kept."""
        document = self.text.document()
        room = max(200, self.text.viewport().width() - 24)
        cursor = QTextCursor(document)
        block = document.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                image = fragment.charFormat().toImageFormat()
                if fragment.charFormat().isImageFormat():
                    found = document.resource(
                        QTextDocument.ResourceType.ImageResource.value,
                        document.baseUrl().resolved(QUrl(image.name())),
                    )
                    natural = found.width() if hasattr(found, "width") else 0
                    if natural:
                        image.setWidth(min(natural, room))
                        image.setHeight(found.height() * min(natural, room) / natural)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(
                            fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                        )
                        cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def _to_top(self) -> None:
        """Scroll so the chosen heading is the first line in view."""
        block = getattr(self, "_top_block", None)
        if block is None or not block.isValid():
            return
        top = self.text.document().documentLayout().blockBoundingRect(block).top()
        self.text.verticalScrollBar().setValue(int(top))

    def heading_at_top(self) -> str:
        """The heading the view shows at its top (for tests)."""
        cursor = self.text.cursorForPosition(self.text.viewport().rect().topLeft() + QPoint(4, 4))
        block = cursor.block()
        while block.isValid() and not block.blockFormat().headingLevel():
            block = block.previous()
        return block.text() if block.isValid() else ""

    def _link(self, url: QUrl) -> None:
        name = url.fileName()
        if url.isRelative() and name in FILES:
            self._show(name, "")
        else:
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(url)
