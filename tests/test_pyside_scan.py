"""PySide6 loaded without its source scan (``app.ui.pyside_scan``): a module imported after Qt is
not read as text, is marked as switching on no feature, and uses Qt as before."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path
from typing import Any

import pytest

from app.ui import pyside_scan


def test_a_module_imported_after_qt_is_not_read_and_uses_qt_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyside_scan.load_pyside_without_source_scan()
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside is pyside_scan._uses_no_feature
    (tmp_path / "minplan_scan_probe.py").write_text(
        "import PySide6.QtCore\n\nX = PySide6.QtCore.QPoint(3, 4).x()\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    read: list[object] = []
    real_getsource = inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda obj: read.append(obj) or real_getsource(obj))
    imported: dict[str, object] = {}
    exec("import minplan_scan_probe", imported)  # an import statement, as PySide6's hook sees one
    probe: Any = imported["minplan_scan_probe"]
    try:
        assert probe.X == 3, "Qt's own names, no feature switched on"
        assert read == [], "no source was read"
        assert feature.pyside_feature_dict.get("minplan_scan_probe") == -1
    finally:
        sys.modules.pop("minplan_scan_probe", None)


def test_loading_twice_changes_nothing_more() -> None:
    pyside_scan.load_pyside_without_source_scan()
    pyside_scan.load_pyside_without_source_scan()
    assert sys.modules["shibokensupport.feature"]._mod_uses_pyside is pyside_scan._uses_no_feature
