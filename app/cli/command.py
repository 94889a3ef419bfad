"""The one interface every ``minplan`` subcommand implements, and the exit codes they return.

A command module (``app/cli/audit.py``, ``app/cli/backup.py`` …) defines ``COMMANDS``, a tuple
of :class:`Command` values; ``app.cli.commands()`` lists them in the order ``minplan --help``
shows them. Building the parser imports every command module, so a command module imports only
argparse, ``app.i18n`` and the ``app.cli`` helpers at its top; its ``run`` imports the use cases,
the store and the reports it needs, so that a start loads only the chosen command's modules.

Exit codes (the same as before the CLI became a package; the README's command table repeats
them):

====  ===========  ==========================================================================
code  name         meaning
====  ===========  ==========================================================================
   0  OK           done
   1  INCOMPLETE   done, but not all of it: ``plan-pdf --all-paper`` could not write some
                   plans (each is named on stderr); ``bench --check`` missed a target.
                   A bug (an unexpected exception with its traceback) also ends with 1,
                   Python's own status.
   2  PROBLEM      an expected problem, told calmly in the user's language with nothing
                   half-written: a ``MinPlanError`` (a wrong file, a missing key, a full disk,
                   a refused permission …), a wrong argument (argparse's own status), an
                   import with errors, ``audit verify`` finding the access log broken,
                   ``retention delete`` without ``--confirm``, ``deadlines`` computed with the
                   last good rules because a rule file was refused, ``db keystore`` finding
                   no usable key store.
 130  INTERRUPTED  Ctrl+C; nothing more was written
====  ===========  ==========================================================================

A closed pipe (``minplan deadlines | head``) ends with 0: the reader has seen enough.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum

from app.i18n import _


class ExitCode(IntEnum):
    """The status ``minplan`` ends with (see the module docstring for each value's meaning)."""

    OK = 0
    INCOMPLETE = 1
    PROBLEM = 2
    INTERRUPTED = 130


@dataclass(frozen=True)
class Command:
    """One top-level subcommand, ``minplan NAME …``.

    ``name`` is the word on the command line. ``help`` is its line in ``minplan --help`` and
    ``description`` (optional) the text under ``minplan NAME --help``: English msgids marked with
    ``N_`` where the command is defined, translated when the parser is built, so that ``--lang``
    applies to them. ``add_arguments`` adds the command's options (and, for a group such as
    ``audit``, its actions) to the command's own parser; it runs at every start and imports
    nothing heavy. ``run`` does the work and returns an :class:`ExitCode`; an expected failure
    raises ``MinPlanError`` instead, which ``app.cli.main`` prints and turns into
    ``ExitCode.PROBLEM``.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], ExitCode]
    description: str | None = None

    def add_to(
        self, sub: argparse._SubParsersAction[argparse.ArgumentParser]
    ) -> argparse.ArgumentParser:
        """The command's parser under ``minplan``'s subcommands, with its arguments."""
        if self.description is None:
            parser = sub.add_parser(self.name, help=_(self.help))
        else:
            parser = sub.add_parser(self.name, help=_(self.help), description=_(self.description))
        self.add_arguments(parser)
        return parser
