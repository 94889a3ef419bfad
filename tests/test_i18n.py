"""The catalogs: strings are extracted, Danish is complete, placeholders agree, nothing unmarked."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app import i18n
from app.domain.errors import ValidationError

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _catalog_tool():
    spec = importlib.util.spec_from_file_location("catalog_tool", ROOT / "i18n" / "catalog.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def extracted():
    return _catalog_tool().extract()


def _po(lang: str):
    with (ROOT / "app" / "locale" / lang / "LC_MESSAGES" / "minplan.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_extraction_finds_the_strings_of_every_layer(extracted) -> None:
    files = {loc[0].split("/")[1] for m in extracted if m.id for loc in m.locations}
    assert len(extracted) > 80, "a wrong extraction pattern silently finds nothing"
    assert {"domain", "cli"} <= files


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_message_is_translated_with_the_same_placeholders(extracted, lang: str) -> None:
    catalog = _po(lang)
    problems = []
    for message in extracted:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not found.string or found.fuzzy:
            problems.append(f"missing: {message.id!r}")
            continue
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(msgid)):
                problems.append(f"placeholders differ: {msgid!r} -> {text!r}")
    assert problems == [], (
        f"{lang}: run `python i18n/catalog.py update` and translate:\n" + "\n".join(problems[:40])
    )


def test_danish_is_the_default_and_english_is_a_setting() -> None:
    error = ValidationError(
        "End date {end} is before start date {start}", end="2026-01-01", start="2026-02-01"
    )
    i18n.set_language("da")
    danish = i18n.translate_error(error)
    i18n.set_language("en")
    english = i18n.translate_error(error)
    i18n.set_language("da")
    assert english == "End date 2026-01-01 is before start date 2026-02-01"
    assert danish != english and "2026-01-01" in danish and "2026-02-01" in danish


def test_danish_dates_and_numbers_use_danish_conventions() -> None:
    from datetime import date

    i18n.set_language("da")
    assert i18n.format_date(date(2026, 3, 3)) == "3. mar. 2026"
    assert i18n.format_short_date(date(2026, 3, 3)) == "03.03.2026"
    assert i18n.format_number(1234.5, 1) == "1.234,5"


def test_each_language_has_one_locale_and_its_dates_can_be_read_ahead() -> None:
    """A start reads the date formats while it waits for its first screen (``load_date_formats``);
    the language's one ``Locale`` then formats as before, and switching language switches it."""
    from datetime import date

    i18n.load_date_formats("en")
    i18n.set_language("en")
    english = i18n.locale()
    assert english is i18n.locale() and i18n.format_date(date(2026, 3, 3)) == "3 Mar 2026"
    i18n.set_language("da")
    assert i18n.locale() is not english and i18n.format_date(date(2026, 3, 3)) == "3. mar. 2026"


QT_TEXT_SETTERS = {
    "setText",
    "setWindowTitle",
    "setPlaceholderText",
    "setToolTip",
    "setStatusTip",
    "addAction",
    "addMenu",
    "setTitle",
    "setLabelText",
    "information",
    "warning",
    "critical",
    "question",
    "QLabel",
    "QPushButton",
    "QAction",
    "QGroupBox",
    "QCheckBox",
    "setHeaderLabels",
    "addTab",
    "addItem",
}


def test_no_unmarked_user_visible_literal_in_the_ui() -> None:
    offenders = []
    for path in (ROOT / "app" / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name not in QT_TEXT_SETTERS:
                continue
            owner = getattr(getattr(node.func, "value", None), "id", "")
            if owner in ("log", "logger", "logging"):  # log lines are for support, in English
                continue
            shown = (
                node.args[:1] if name == "addItem" else node.args
            )  # addItem(text, data): data is a code
            for arg in shown:
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and re.search(r"[A-Za-zÆØÅæøå]{2}", arg.value)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value!r}")
    assert offenders == [], "wrap user-visible text in _():\n" + "\n".join(offenders)
