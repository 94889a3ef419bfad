"""The Qt binding must not lose references to None: PySide6 6.12.0 dropped one on every call of a
method that returns nothing (``processEvents``, ``repaint``, ``setText`` …), so after a few
thousand calls a long working day ended in "Fatal Python error: none_dealloc". pyproject.toml
excludes that release; this test keeps any other release with the same fault out."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtWidgets import QApplication, QLabel


@pytest.mark.gui
def test_calls_of_qt_methods_that_return_nothing_keep_nones_reference_count(qtbot) -> None:
    label = QLabel("Min Plan")
    qtbot.addWidget(label)
    label.show()
    app = QApplication.instance()
    for _ in range(10):  # warm up caches
        label.setText("x")
        app.processEvents()
    gc.collect()
    before = sys.getrefcount(None)
    for n in range(2000):
        label.setText(f"linje {n}")
        label.repaint()
        app.processEvents()
    gc.collect()
    assert sys.getrefcount(None) >= before - 50, "the Qt binding drops references to None"
