"""PySide6 loaded without its scan of every later module's source (Min Plan switches on no feature).

Once loaded, PySide6 watches every import (``shibokensupport.feature``): for each module imported
after it, it reads and searches the module's source for the word "PySide6", to know which
modules may switch on its ``from __feature__ import snake_case, true_property``. A start of Min
Plan imports some 600 modules after Qt, so that cost 20 ms before the window showed and 60 ms
more before the citizen list was usable (issue #19). Min Plan switches on no feature, and every
module it imports is marked as one that switches on none without its source being read. That
is what PySide6 itself concludes for a module without source: every module of the frozen
program, which is run that way.

Where PySide6 has no such scan (a later version), nothing is changed.
"""

from __future__ import annotations

import sys
from types import ModuleType


def load_pyside_without_source_scan() -> None:
    """Import PySide6, then make its import hook mark modules without reading their source."""
    import PySide6  # noqa: F401  (installs the hook)

    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        vars(feature)["_mod_uses_pyside"] = _uses_no_feature


def _uses_no_feature(module: ModuleType) -> bool:
    """What the hook asks of each new module: whether it may switch features on. None does."""
    return False
