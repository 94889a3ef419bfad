"""argparse's own words (``usage:``, ``options``, its error messages) in the user's language.

argparse looks its messages up through ``argparse._`` / ``argparse.ngettext`` at the moment it
uses them, so pointing those at Min Plan's catalog makes ``--help`` and a wrong argument speak
Danish too. The message ids are argparse's own (Python 3.11–3.13), marked here for extraction.
"""

from __future__ import annotations

import argparse

from app import i18n
from app.i18n import N_

MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("ignored explicit argument %r"),
    N_("can't open '%(filename)s': %(error)s"),
)


def translate_argparse() -> None:
    argparse._ = i18n._  # type: ignore[attr-defined]  # argparse's own gettext names, replaced
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]  # argparse's own gettext names, replaced
