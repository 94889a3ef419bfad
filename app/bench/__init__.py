"""``minplan bench``: every speed target of the project measured in one run (see ``runner``).

Not part of the normal test run. Qt-free like the rest of the non-UI layers: the GUI figures are
measured in separate processes (``app.ui.bench_gui`` and the real ``minplan`` with a ready hook).
"""
