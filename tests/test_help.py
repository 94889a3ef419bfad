"""The manual inside Min Plan: the files in both languages, their pictures, the help window, F1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import i18n, paths
from app.ui.help.topics import FILES, PAGE_TOPICS, image_references, images_dir, sections

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_help_file_exists_with_the_same_topics_and_its_pictures(language: str) -> None:
    for file in FILES:
        assert (paths.resources_dir() / "help" / language / file).is_file(), file
        topics = [s.topic for s in sections(file, language) if s.topic]
        other = "en" if language == "da" else "da"
        assert topics == [s.topic for s in sections(file, other) if s.topic], file
        for ref in image_references(file, language):
            assert (paths.resources_dir() / "help" / language / ref).resolve().is_file(), ref
    for file, topic in set(PAGE_TOPICS.values()):
        assert topic in {s.topic for s in sections(file, language)}, (file, topic)


def test_the_pictures_are_package_data_and_used() -> None:
    used = {
        Path(ref).name for lang in ("da", "en") for f in FILES for ref in image_references(f, lang)
    }
    shipped = {p.name for p in images_dir().glob("*.png")}
    assert used and used == shipped, "every picture is used, every used picture ships"
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"resources/**/*"' in pyproject
    spec = (ROOT / "packaging" / "minplan.spec").read_text(encoding="utf-8")
    assert '"app" / "resources"' in spec


def test_the_readme_links_the_help_instead_of_holding_the_manual() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Deadlines: how Min Plan counts" not in readme
    for link in re.findall(r"\]\((app/resources/help/[^)]+)\)", readme):
        assert (ROOT / link).exists(), link
    assert "app/resources/help/en/deadlines.md" in readme


@pytest.mark.gui
def test_f1_opens_the_section_for_the_page_in_front(qtbot, db, actor) -> None:
    from PySide6.QtCore import Qt

    from app.ui.casework.context import UiContext
    from app.ui.main_window import MainWindow

    i18n.set_language("en")
    win = MainWindow(UiContext(db, actor))
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    win.nav.setCurrentRow(win.pages.indexOf(win.worklist))
    qtbot.keyClick(win, Qt.Key.Key_F1)
    helper = win.help_window
    assert helper.isVisible()
    assert helper.current == ("deadlines.md", "worklist")
    assert helper.text.property("file") == "deadlines.md"
    assert helper.text.textCursor().block().text() == "The Deadlines page"
    assert helper.text.document().toPlainText().startswith("Deadlines")
    with qtbot.waitSignal(win.indicators.evaluated, timeout=30_000):  # its worker ends first
        win.nav.setCurrentRow(win.pages.indexOf(win.indicators))
    win.show_help()
    assert helper.current == ("indicators.md", "indicators")
    win.nav.setCurrentRow(win.pages.indexOf(win.today_page))
    win.show_help()
    assert helper.current == ("daily-work.md", "today")
    assert helper.contents.topLevelItemCount() == len(FILES)


@pytest.mark.gui
def test_the_help_window_searches_and_shows_pictures(qtbot) -> None:
    from app.ui.help.window import HelpWindow

    i18n.set_language("da")
    helper = HelpWindow()
    qtbot.addWidget(helper)
    helper.show_topic("daily-work.md", "conversations")
    qtbot.waitUntil(lambda: helper.heading_at_top() == "Samtaler")
    picture = helper.text.document().resource(
        helper.text.document().ResourceType.ImageResource.value,
        helper.text.document().baseUrl().resolved("../images/today-da.png"),
    )
    assert picture is not None and not picture.isNull(), "the screenshot loads"
    qtbot.keyClicks(helper.search, "sygedagpenge")
    hits = helper._hits
    assert ("deadlines.md", "Sådan tæller Min Plan") in hits
    visible = [
        helper.contents.topLevelItem(i).text(0)
        for i in range(helper.contents.topLevelItemCount())
        if not helper.contents.topLevelItem(i).isHidden()
    ]
    assert "Frister" in visible and "Administration" not in visible
    helper.search.returnPressed.emit()
    assert helper.text.textCursor().selectedText().casefold() == "sygedagpenge"
