"""The main window on the screen it is on: never larger than the screen's free area, placed
inside it, and remembered per screen (a laptop alone and the same laptop at a docking station's
big screen each get their own size and place).

What used to go wrong: the window opened at 1280×800 on a 1366×768 screen (its status bar below
the screen's edge) and grew whenever a page's minimum width grew (Frister after loading), and
never shrank again. The pages now sit in a scroll area, so a page's minimum never pushes the
window wider; the pages themselves are laid out to fit 1366×768 and 1920×1080 at 150 %.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QByteArray, QRect, QSize
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

from app.ui.settings import qsettings

#: The size the window opens at on a screen with room for it.
PREFERRED = QSize(1280, 800)
#: Room left around the window for the frame a window manager adds.
FRAME_MARGIN = QSize(16, 40)


def scrolling(page: QWidget, parent: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area that fills the window: the page's minimum size no
    longer sets the window's (vertical scrolling is the last resort on a low screen)."""
    area = QScrollArea(parent)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(page)
    area.setMinimumSize(200, 200)
    return area


def screen_key(screen: QScreen) -> str:
    """``HDMI-1-1920x1080+0+0``: the screen's name and geometry, safe as a settings key."""
    area = screen.geometry()
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", screen.name() or "screen")
    return f"{name}-{area.width()}x{area.height()}+{area.x()}+{area.y()}"


def _screen(window: QWidget) -> QScreen | None:
    return window.screen() or QGuiApplication.primaryScreen()


def fitted(window: QWidget, area: QRect, wanted: QSize | None = None) -> QRect:
    """The window's frame rectangle of ``wanted`` size (or its present one), shrunk to fit
    ``area`` and moved inside it."""
    size = wanted or window.size()
    width = min(size.width(), area.width() - FRAME_MARGIN.width())
    height = min(size.height(), area.height() - FRAME_MARGIN.height())
    width = max(width, min(window.minimumWidth(), area.width()))
    height = max(height, min(window.minimumHeight(), area.height()))
    rect = QRect(window.pos(), QSize(width, height))
    if not area.contains(rect):
        rect.moveLeft(max(area.left(), min(rect.left(), area.right() - width + 1)))
        rect.moveTop(max(area.top(), min(rect.top(), area.bottom() - height + 1)))
    return rect


def restore(window: QMainWindow) -> None:
    """The size and place remembered for this screen, else the preferred size centred; in both
    cases inside the screen's free area."""
    screen = _screen(window)
    if screen is None:
        window.resize(PREFERRED)
        return
    area = screen.availableGeometry()
    saved = qsettings().value(f"window/geometry/{screen_key(screen)}")
    if isinstance(saved, QByteArray) and window.restoreGeometry(saved):
        rect = fitted(window, area)
    else:
        rect = fitted(window, area, PREFERRED)
        rect.moveCenter(area.center())
        rect = fitted(window, area, rect.size()) if not area.contains(rect) else rect
    window.resize(rect.size())
    window.move(rect.topLeft())


def remember(window: QMainWindow) -> None:
    screen = _screen(window)
    if screen is None:
        return
    store = qsettings()
    store.setValue(f"window/geometry/{screen_key(screen)}", window.saveGeometry())
    store.sync()
