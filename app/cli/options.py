"""The options every ``minplan`` command takes: where the database is, the language, the user."""

from __future__ import annotations

import argparse

from app import i18n
from app.i18n import _


def add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """``--db``/``--database-url``, ``--lang``, ``--user`` and ``--no-encryption`` on ``parser``.

    On a subcommand's parser (``suppress=True``) an option not given leaves the value given
    before the subcommand (``minplan --db X deadlines``) in place."""
    default = argparse.SUPPRESS if suppress else None
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help=_("SQLite database file (default: MINPLAN_DB or your data folder)"),
    )
    where.add_argument(
        "--database-url",
        metavar="URL",
        default=default,
        help=_("database URL, e.g. postgresql+psycopg://user@host/minplan"),
    )
    parser.add_argument(
        "--lang",
        choices=i18n.SUPPORTED,
        default=default,
        help=_("language of the user interface (da or en)"),
    )
    parser.add_argument(
        "--user",
        metavar="INITIALS",
        default=default,
        help=_("on the demo database: act as this user (elsewhere you are who you log in as)"),
    )
    parser.add_argument(
        "--no-encryption",
        action="store_true",
        default=default if suppress else False,
        help=_(
            "use an unencrypted SQLite database (also MINPLAN_ENCRYPTION=off); "
            "shown as such in the status bar"
        ),
    )
