"""``--reason "…"`` for commands that act on one citizen: breaking the glass without a window.

A caseworker (or a team lead outside the team) must say why they open a colleague's citizen; the
GUI asks, a command takes ``--reason``. The reason is checked like the GUI's (a sentence of at
least three words), logged with the opening, and gives the day's grant (``reading.read_citizen``).
"""

from __future__ import annotations

import argparse

from app.i18n import _


def add_reason_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reason",
        metavar="TEXT",
        help=_(
            "why you open a citizen outside your caseload (a sentence; it is logged, "
            "as when the window asks)"
        ),
    )


def open_with_reason(db, actor, citizen_id: int, args: argparse.Namespace) -> None:
    """With ``--reason``: log the opening of the citizen with that reason (the break-the-glass
    grant for today); without it, nothing (the command's own read is checked and refuses)."""
    reason = getattr(args, "reason", None)
    if reason is None:
        return
    from app.casework.privacy.access_log import record_view

    record_view(db, actor, citizen_id, purpose=reason)
