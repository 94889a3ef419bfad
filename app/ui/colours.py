"""Colours that keep their meaning and stay readable in a light and in a dark palette.

WCAG 2.1 AA asks text to stand out from its background by a contrast ratio of at least 4.5:1.
Fixed colours (a dark red for errors, a pale yellow behind the citizen's own words) broke under
a dark system palette; here each meaning has a light-palette and a dark-palette colour, chosen
by the palette in use, and ``contrast`` measures the ratio (tests check every pair). Colour is
never the only carrier of meaning: the texts these colours tint say what they mean in words.

``focus_style_sheet`` draws a 2-pixel focus ring in the palette's highlight colour around the
widget that has the keyboard focus (a colour change of a 1-pixel border is too faint to see).
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

#: meaning → (on a light background, on a dark background)
TEXT = {
    "error": ("#b00020", "#ff8a80"),
    "warning": ("#7a4f00", "#ffcc66"),
    "info": ("#1f5f8b", "#8cc8ff"),
    "ok": ("#1e5631", "#8fd19e"),
}
#: The tint behind the citizen's own words: warm, faint, readable with the palette's text.
OWN_WORDS = ("#fffbe6", "#3a3320")

MINIMUM_CONTRAST = 4.5


def _palette(palette: QPalette | None) -> QPalette:
    return palette if palette is not None else QGuiApplication.palette()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = _palette(palette)
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(first: QColor | str, second: QColor | str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    a, b = sorted((_luminance(QColor(first)), _luminance(QColor(second))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def text(meaning: str, palette: QPalette | None = None) -> str:
    light, dark = TEXT[meaning]
    return dark if is_dark(palette) else light


def muted(palette: QPalette | None = None) -> str:
    """A quieter text colour than the palette's own that still has 4.5:1 on the window."""
    palette = _palette(palette)
    ink = palette.color(QPalette.ColorRole.WindowText)
    ground = palette.color(QPalette.ColorRole.Window)
    for share in (0.45, 0.35, 0.25, 0.15, 0.0):  # as much of the background as readability allows
        mixed = QColor(
            round(ink.red() * (1 - share) + ground.red() * share),
            round(ink.green() * (1 - share) + ground.green() * share),
            round(ink.blue() * (1 - share) + ground.blue() * share),
        )
        if contrast(mixed, ground) >= MINIMUM_CONTRAST:
            return mixed.name()
    return ink.name()


def css(meaning: str, palette: QPalette | None = None) -> str:
    """``color: …;`` for a label's style sheet; ``meaning`` is a key of TEXT or "muted"."""
    return f"color: {muted(palette) if meaning == 'muted' else text(meaning, palette)};"


def own_words_css(palette: QPalette | None = None) -> str:
    light, dark = OWN_WORDS
    return f"background: {dark if is_dark(palette) else light}; color: palette(text);"


def focus_style_sheet() -> str:
    """A 2-pixel ring in the highlight colour on the focused text field or list/table (buttons,
    check boxes and combo boxes keep the style's own focus frame)."""
    return (
        "QLineEdit:focus, QAbstractSpinBox:focus, QTextEdit:focus, QPlainTextEdit:focus,"
        " QAbstractItemView:focus { border: 2px solid palette(highlight); border-radius: 2px; }"
    )


#: The dynamic property that marks a widget tinted by meaning (re-tinted when the scheme changes).
MEANING_PROPERTY = "minplanColourMeaning"


def _css_for(meaning: str, palette: QPalette | None = None) -> str:
    return own_words_css(palette) if meaning == "own_words" else css(meaning, palette)


def tint(widget, meaning: str) -> None:
    """Colour ``widget`` by ``meaning`` (a key of TEXT, "muted" or "own_words") for the palette in
    use now, and again whenever the system switches between light and dark."""
    widget.setProperty(MEANING_PROPERTY, meaning)
    widget.setStyleSheet(_css_for(meaning))


def retint_all() -> int:
    """Tint every marked widget anew for the present palette; the number re-tinted."""
    from PySide6.QtWidgets import QApplication

    count = 0
    for widget in QApplication.allWidgets():
        meaning = widget.property(MEANING_PROPERTY)
        if isinstance(meaning, str) and meaning:
            widget.setStyleSheet(_css_for(meaning))
            count += 1
    return count


def follow_color_scheme(app) -> None:
    """Follow the system's light or dark scheme (Qt 6.5+ reports it and switches the palette):
    the tints chosen for the old palette are chosen again once the new palette is in place."""
    from PySide6.QtCore import QTimer

    hints = app.styleHints()
    if hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(lambda _scheme: QTimer.singleShot(0, retint_all))


def focus_ring_style(base: str | None = None):
    """The application's style with a 2-pixel focus ring in the highlight colour around the
    focused button, check box, radio button, combo box and tab (the style sheet draws the ring
    of text fields and lists; styling these by style sheet would lose their native look)."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QPen
    from PySide6.QtWidgets import QProxyStyle, QStyle

    controls = {
        QStyle.ControlElement.CE_PushButton,
        QStyle.ControlElement.CE_CheckBox,
        QStyle.ControlElement.CE_RadioButton,
        QStyle.ControlElement.CE_TabBarTab,
    }

    def ring(option, painter) -> None:
        if not option.state & QStyle.StateFlag.State_HasFocus:
            return
        painter.save()
        pen = QPen(option.palette.color(QPalette.ColorRole.Highlight), 2)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(option.rect).adjusted(1, 1, -1, -1))  # pixels 0-1 of each edge
        painter.restore()

    class FocusRingStyle(QProxyStyle):
        def drawControl(self, element, option, painter, widget=None) -> None:  # noqa: N802
            super().drawControl(element, option, painter, widget)
            if element in controls:
                ring(option, painter)

        def drawComplexControl(self, control, option, painter, widget=None) -> None:  # noqa: N802
            super().drawComplexControl(control, option, painter, widget)
            if control == QStyle.ComplexControl.CC_ComboBox:
                ring(option, painter)

    return FocusRingStyle(base) if base else FocusRingStyle()
