"""Text stays readable (contrast ≥ 4.5:1, WCAG 2.1 AA 1.4.3) in the light palette and in a dark
system palette; the citizen's own words are no longer black on pale yellow in a dark theme; the
focus ring is 2 pixels (issue 14, line 7)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app.ui import colours

pytestmark = pytest.mark.gui


def dark_palette() -> QPalette:
    """A dark system palette as KDE Breeze Dark / GNOME Adwaita-dark give it, roughly."""
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#2b2b2b"),
        (QPalette.ColorRole.WindowText, "#e6e6e6"),
        (QPalette.ColorRole.Base, "#1e1e1e"),
        (QPalette.ColorRole.AlternateBase, "#2a2a2a"),
        (QPalette.ColorRole.Text, "#e6e6e6"),
        (QPalette.ColorRole.Button, "#353535"),
        (QPalette.ColorRole.ButtonText, "#e6e6e6"),
        (QPalette.ColorRole.Highlight, "#3d7ab8"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture(params=["light", "dark"])
def palette(request, qapp) -> QPalette:  # type: ignore[no-untyped-def]
    if request.param == "light":
        return QApplication.style().standardPalette()
    return dark_palette()


def test_the_palettes_are_what_they_say(palette: QPalette, request) -> None:  # type: ignore[no-untyped-def]
    assert colours.is_dark(palette) == ("dark" in request.node.name)


@pytest.mark.parametrize("meaning", sorted(colours.TEXT))
def test_every_meaning_is_readable_on_window_and_base(palette: QPalette, meaning: str) -> None:
    ink = colours.text(meaning, palette)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        ground = palette.color(role)
        assert colours.contrast(ink, ground) >= 4.5, (meaning, ink, ground.name())


def test_muted_text_is_quieter_yet_readable(palette: QPalette) -> None:
    ground = palette.color(QPalette.ColorRole.Window)
    quiet = colours.muted(palette)
    assert colours.contrast(quiet, ground) >= 4.5
    # (the old "palette(mid)" was not: about 2.4:1 in the light palette)
    assert colours.contrast(palette.color(QPalette.ColorRole.Mid), ground) < 4.5 or colours.is_dark(
        palette
    )


def test_the_citizens_own_words_are_readable(palette: QPalette) -> None:
    css = colours.own_words_css(palette)
    background = css.split("background:")[1].split(";")[0].strip()
    text = palette.color(QPalette.ColorRole.Text)
    assert colours.contrast(text, background) >= 4.5, (background, text.name())


def test_contrast_is_wcags_ratio() -> None:
    assert round(colours.contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(colours.contrast("#767676", "#ffffff"), 2) == pytest.approx(4.54, abs=0.01)


def test_the_focus_ring_is_two_pixels_in_the_highlight_colour(qapp) -> None:
    from app.ui.application import application

    app = application("da")
    assert "2px solid palette(highlight)" in app.styleSheet()
    application("da")
    assert app.styleSheet().count("2px solid palette(highlight)") == 1


def test_tints_follow_a_switch_to_the_dark_scheme(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    app = QApplication.instance()
    light = app.palette()
    label = QLabel("Ret datoen")
    qtbot.addWidget(label)
    app.setPalette(QApplication.style().standardPalette())
    colours.tint(label, "error")
    assert colours.TEXT["error"][0] in label.styleSheet()
    try:
        app.setPalette(dark_palette())
        assert colours.retint_all() >= 1
        assert colours.TEXT["error"][1] in label.styleSheet()
    finally:
        app.setPalette(light)
        colours.retint_all()


def test_a_focused_button_has_a_two_pixel_ring_in_the_highlight_colour(qtbot) -> None:
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from app.ui.application import application

    application("da")  # the style and style sheet Min Plan runs with
    window = QWidget()
    qtbot.addWidget(window)
    layout = QVBoxLayout(window)
    first, second = QPushButton("Gem", window), QPushButton("Annuller", window)
    for button in (first, second):
        layout.addWidget(button)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    second.setFocus()
    qtbot.waitUntil(second.hasFocus)
    highlight = {  # (the window may be inactive offscreen: its highlight is another shade)
        second.palette().color(group, QPalette.ColorRole.Highlight).rgb()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive)
    }

    def ring_pixels(button: QPushButton) -> int:
        image = button.grab().toImage()
        y = image.height() // 2
        xs = (0, 1, image.width() - 2, image.width() - 1)
        return sum(image.pixel(x, y) in highlight for x in xs)

    assert ring_pixels(second) == 4, "2 px on each side"
    assert ring_pixels(first) == 0, "no ring without focus"


def test_muted_rows_of_a_table_stay_readable(qtbot, palette: QPalette) -> None:  # type: ignore[no-untyped-def]
    """A hidden figure or a cancelled conversation is quieter, not unreadable (Qt's fixed gray
    had 2.6:1 on white), and follows a switch of palette."""
    from app.ui.casework.record_table import RecordTable

    app = QApplication.instance()
    before = app.palette()
    try:
        app.setPalette(palette)
        table = RecordTable(["Hvornår", "Status"])
        qtbot.addWidget(table)
        table.set_rows([(1, ["02.12.2026", "Booket"]), (2, ["01.12.2026", "Aflyst"])], muted={2})
        quiet = table.item(1, 1).foreground().color()
        ground = palette.color(QPalette.ColorRole.Base)
        assert colours.contrast(quiet, ground) >= 4.5, (quiet.name(), ground.name())
        assert quiet != palette.color(QPalette.ColorRole.Text)
        other = (
            dark_palette()
            if not colours.is_dark(palette)
            else QApplication.style().standardPalette()
        )
        app.setPalette(other)
        qtbot.wait(10)
        quiet = table.item(1, 1).foreground().color()
        assert colours.contrast(quiet, other.color(QPalette.ColorRole.Base)) >= 4.5
    finally:
        app.setPalette(before)
