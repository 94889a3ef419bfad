"""The architecture holds: Qt only in ``app/ui``; the domain core imports no SQL and nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(*, exclude: str | None = None) -> list[Path]:
    return [
        p for p in APP.rglob("*.py") if not (exclude and exclude in p.relative_to(APP).parts[:1])
    ]


def test_no_qt_below_the_ui_layer() -> None:
    offenders = [
        f"{path.relative_to(APP.parent)} imports {name}"
        for path in _modules(exclude="ui")
        for name in _imports(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
    ]
    assert offenders == []


def test_domain_imports_no_database_code_and_nothing_above_it() -> None:
    forbidden_roots = {"sqlalchemy", "sqlmodel", "alembic", "psycopg", "sqlite3", "PySide6"}
    offenders = []
    for path in (APP / "domain").rglob("*.py"):
        for name in _imports(path):
            root = name.split(".")[0]
            if root in forbidden_roots or (
                name.startswith("app.") and not name.startswith("app.domain")
            ):
                offenders.append(f"{path.relative_to(APP.parent)} imports {name}")
    assert offenders == []


def test_nothing_imports_the_ui_except_the_ui_and_the_entry_points() -> None:
    allowed = {APP / "cli" / "gui.py"}  # the window's start
    offenders = [
        f"{path.relative_to(APP.parent)} imports {name}"
        for path in _modules(exclude="ui")
        if path not in allowed
        for name in _imports(path)
        if name.startswith("app.ui")
    ]
    assert offenders == []


def test_the_layer_test_would_catch_a_qt_import(tmp_path: Path) -> None:
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    assert "PySide6.QtCore" in _imports(sample)
