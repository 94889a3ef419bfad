"""Every interactive widget and every table on every page and in every dialog has an accessible
name, as a screen reader gets it from Qt (its own name, its text, or the label it is the buddy
of); WCAG 2.1 AA's "name, role, value" (4.1.2), the bar the Danish webtilgængelighedslov sets.

The dialogs are reached the way a user reaches them: every action of every menu, with a citizen
open; dialogs that would wait for an answer (``exec``) are checked and closed at once.

Every table and the indicator chart also have an accessible description (what a row is and what
Enter does; what the chart draws): a screen reader says it when the table or chart gets focus."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTableView,
    QTextEdit,
    QWidget,
)
from test_gui_main_window import TODAY, ctx  # noqa: F401 (the fixture)

from app.casework.core.actor import Actor
from app.ui.casework.context import UiContext

pytestmark = pytest.mark.gui

INTERACTIVE = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)
#: Qt's own windows (their accessibility is Qt's): print preview, file chooser, message box.
QT_OWN = ("QPrintPreviewDialog", "QFileDialog", "QMessageBox", "QPrintDialog", "QInputDialog")


def _part_of_another_control(widget: QWidget) -> bool:
    """The line edit inside a spin box or combo box, a tab bar's scroll arrows, scroll bars."""
    if isinstance(widget, QScrollBar):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, (QAbstractSpinBox, QComboBox, QTabBar, QAbstractItemView)):
            return True
        if any(cls.__name__ in QT_OWN for cls in type(parent).__mro__):
            return True
        parent = parent.parentWidget()
    return False


def _lacking(root: QWidget, kinds: tuple[type, ...], text: QAccessible.Text) -> list[str]:
    """The shown widgets of ``kinds`` (not parts of another control) whose accessible ``text``
    is empty, as a screen reader gets it."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisibleTo(root):
            continue
        if _part_of_another_control(widget):
            continue
        face = QAccessible.queryAccessibleInterface(widget)
        if face is None or not face.text(text).strip():
            where = root.windowTitle() or type(root).__name__
            name = face.text(QAccessible.Text.Name) if face is not None else ""
            found.append(f"{where}: {type(widget).__name__} {widget.objectName() or name!r}")
    return found


def unnamed(root: QWidget) -> list[str]:
    return _lacking(root, INTERACTIVE, QAccessible.Text.Name)


def undescribed(root: QWidget) -> list[str]:
    """Tables and charts without an accessible description."""
    from PySide6.QtCharts import QChartView

    found = _lacking(root, (QTableView, QChartView), QAccessible.Text.Description)
    return [f"{problem} has no description" for problem in found]


def problems_of(root: QWidget) -> list[str]:
    return unnamed(root) + undescribed(root)


@pytest.fixture
def admin_ctx(ctx: UiContext) -> UiContext:  # noqa: F811
    """Karen as administrator: every menu, page and setting is there."""
    me = ctx.actor
    return UiContext(
        ctx.db, Actor(me.caseworker_id, me.initials, me.name, "admin", me.os_user), ctx.today
    )


def _menu_actions(window):  # type: ignore[no-untyped-def]
    from app.i18n import _

    def walk(menu):  # type: ignore[no-untyped-def]
        for action in menu.actions():
            if action.isSeparator() or not action.isEnabled():
                continue
            if action.menu() is not None:
                yield from walk(action.menu())
            elif action.text() != _("&Quit"):
                yield action

    for top in window.menuBar().actions():
        yield from walk(top.menu())


# The widgets are the same on both backends; on PostgreSQL some dialogs wait on the server before
# they show, so the walk (20 ms per action) found fewer of them there and failed its own count.
@pytest.mark.sqlite_only
def test_every_page_and_dialog_names_its_controls(
    qtbot, admin_ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.ui.casework import prompts
    from app.ui.main_window import MainWindow

    problems: list[str] = []
    checked: list[str] = []

    def check(window: QWidget) -> None:
        if any(cls.__name__ in QT_OWN for cls in type(window).__mro__):
            return
        checked.append(window.windowTitle())
        problems.extend(problems_of(window))

    def fake_exec(dialog: QDialog) -> int:
        dialog.show()
        check(dialog)
        dialog.hide()
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    for name in ("information", "warning", "critical", "about"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: None)
    monkeypatch.setattr(prompts, "ask_date", lambda *a, **k: None)
    monkeypatch.setattr(prompts, "choose", lambda *a, **k: None)
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: False)
    monkeypatch.setattr(prompts, "show_notice", lambda *a, **k: None)
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)

    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)
        problems.extend(f"page {window.nav.item(row).text()}: {p}" for p in problems_of(window))
    from PySide6.QtCharts import QChartView

    charts = window.findChildren(QChartView)  # the indicator chart was among the widgets walked
    assert charts and all(chart.accessibleDescription() for chart in charts)
    window.nav.setCurrentRow(0)
    window.open_citizen(1)
    for index in range(window.citizen_page.tabs.count()):
        window.citizen_page.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        tab = window.citizen_page.tabs.tabText(index)
        problems.extend(f"citizen tab {tab}: {p}" for p in problems_of(window))
    window.citizen_page.tabs.setCurrentIndex(0)

    def opened_by(trigger) -> None:  # type: ignore[no-untyped-def]
        before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
        trigger()
        qtbot.wait(20)
        for shown in QApplication.topLevelWidgets():
            if shown.isVisible() and id(shown) not in before and shown is not window:
                check(shown)
                shown.close()

    for action in list(_menu_actions(window)):
        opened_by(action.trigger)
        if window.pages.currentWidget() is not window.citizen_page:
            window.open_citizen(1)
    # the dialogs a page's own buttons open ("…" says a button opens one)
    from PySide6.QtWidgets import QPushButton

    for row in range(window.nav.count()):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)
        page = window.pages.currentWidget()
        for button in page.findChildren(QPushButton):
            if button.isVisibleTo(page) and button.isEnabled() and button.text().endswith("…"):
                opened_by(button.click)
    assert len(checked) >= 20, checked
    assert not problems, "\n".join(sorted(set(problems)))
