"""What runs first when Min Plan is launched (the ``minplan`` program, ``python -m app``).

Before the command line's own modules load: the helper of a start's first screen answers here
(``app.store.first_screen_ahead``), and a launch that will likely open a window starts that
helper, so that it works on the other core from the first moment."""

from __future__ import annotations

import os
import sys

#: ``app.store.first_screen_ahead.HELPER_ARGUMENT`` (that module is loaded only when needed).
HELPER_ARGUMENT = "--first-screen-helper"


def main() -> int:
    """Run ``minplan`` with the process's arguments; the exit status."""
    argv = sys.argv[1:]
    if argv[:1] == [HELPER_ARGUMENT] and len(argv) <= 2:
        from app.store.first_screen_ahead import serve_and_exit

        serve_and_exit(argv[1] if len(argv) == 2 else None)
    from app.store.first_screen_ahead import spawn_if_likely

    spawn_if_likely(argv, os.environ)  # where a window is likely
    from app.cli import main as run

    return run()
