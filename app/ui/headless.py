"""Whether anybody can answer a window: offscreen (tests, headless runs) nobody can.

Below the start-up modules that ask (``application``, ``recovery``, ``background_check``), so
that they need not import one another for it. Called through the module
(``headless.nobody_to_click()``), so that a test can stand in for it.
"""

from __future__ import annotations

import os


def nobody_to_click() -> bool:
    """Tests and headless runs (offscreen platform): a modal window would wait for ever."""
    return os.environ.get("QT_QPA_PLATFORM") == "offscreen"
