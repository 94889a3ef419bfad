"""The ``minplan`` command: the GUI by default, and the same operations without a window.

    minplan [--db PATH | --database-url URL] [--demo] [--lang da|en] [--user INITIALS]
            [--no-encryption] [--version]
    minplan db upgrade | db current | db password [--forget] | db rekey | db encrypt | db recover
    minplan db keystore
    minplan demo --citizens N --seed S --db PATH [--force]
    minplan import DIR [--dry-run]
    minplan export DIR
    minplan users
    minplan bench [--citizens N[,N…]] [--database-url URL] [--json FILE]
    minplan audit verify | checkpoint | purge | extract | search | key
    minplan retention list | delete --confirm
    minplan access-request --cpr CPR --out FILE.pdf

Every subcommand calls the same use-case functions as the GUI. Expected failures print a calm,
translated message and exit with status 2; nothing is half-written. The exit codes are
``app.cli.command.ExitCode``: 0 done, 1 done but not all of it (``plan-pdf --all-paper``,
``bench --check``), 2 an expected problem, 130 interrupted.

The package: ``command`` (the ``Command`` interface and ``ExitCode``), ``options`` (the options
every command takes), ``database`` (opening the database, who a command acts as), ``gui`` (the
window's start), and one module per command group (``db``, ``demo``, ``bundle``, ``deadlines``,
``plan_pdf``, ``measure``, ``indicators``, ``backup``, ``bench``, ``audit``, ``privacy``,
``users``). Building the parser imports the command modules, which import nothing heavy at their
top; a command's ``run`` imports the use cases it calls.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from app import i18n
from app.cli.command import Command, ExitCode
from app.cli.options import add_common
from app.domain.errors import MinPlanError
from app.i18n import _


def commands() -> tuple[Command, ...]:
    """Every subcommand, in the order ``minplan --help`` lists them."""
    from app.cli import (
        audit,
        backup,
        bench,
        bundle,
        db,
        deadlines,
        demo,
        indicators,
        measure,
        plan_pdf,
        privacy,
        users,
    )

    return (
        *db.COMMANDS,
        *demo.COMMANDS,
        *bundle.COMMANDS,
        *deadlines.COMMANDS,
        *plan_pdf.COMMANDS,
        *measure.COMMANDS,
        *indicators.COMMANDS,
        *backup.COMMANDS,
        *bench.COMMANDS,
        *audit.COMMANDS,
        *privacy.COMMANDS,
        *users.COMMANDS,
    )


def build_parser(available: Sequence[Command] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minplan", description=_("Min Plan: the citizen's plan, kept by the jobcenter.")
    )
    add_common(parser, suppress=False)
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open a generated demo database; your own data is not touched"),
    )
    parser.add_argument("--version", action=_VersionWhenAsked)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in commands() if available is None else available:
        command.add_to(sub)
    return parser


class _VersionWhenAsked(argparse._VersionAction):
    """``--version``, reading the installed package's metadata only when it is asked for (that
    read and its imports were a tenth of a second of every start)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from app.version import version

        self.version = f"Min Plan {version()}"
        super().__call__(parser, namespace, values, option_string)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``minplan`` with ``argv`` (default: the process's arguments); the exit status."""
    from app.cli.argparse_i18n import translate_argparse
    from app.logging_setup import configure_logging

    _ensure_streams()
    raw = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(i18n.initial_language(_peek_lang(raw)))
    translate_argparse()
    _warn_unknown_language(_peek_lang(raw))
    args = _window_start(raw)
    available: Sequence[Command] = ()
    if args is None:
        available = commands()
        args = build_parser(available).parse_args(raw)
    configure_logging()
    args.native_crashes = _native_crash_reports(gui=args.command is None)
    try:
        if args.command is None:
            from app.cli import gui

            code = gui.run(args)
        else:
            from app.cli.gui import dismiss_helper

            dismiss_helper()  # a window on a server was guessed at launch (``app.launch``)
            code = next(c for c in available if c.name == args.command).run(args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except MinPlanError as error:
        print(_("Error: {message}").format(message=i18n.translate_error(error)), file=sys.stderr)
        return ExitCode.PROBLEM
    except KeyboardInterrupt:
        print(_("Interrupted; nothing more was written."), file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # ``minplan deadlines | head``: the reader has seen enough
        _discard_stdout()
        return ExitCode.OK


class _NotTheWindow(Exception):
    """The arguments are not a plain start of the window (see ``_window_start``)."""


class _WindowOnlyParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheWindow(message)


def _window_start(raw: list[str]) -> argparse.Namespace | None:
    """The arguments of a start of the window (no command, no help), parsed without building
    every command's parser and importing every command's module (15 ms of a start, issue #19);
    None for anything else, which the full parser then reads, says and reports as before."""
    if any(arg in ("-h", "--help") or arg.startswith("--vers") for arg in raw):
        return None
    parser = _WindowOnlyParser(prog="minplan", add_help=False)
    add_common(parser, suppress=False)
    parser.add_argument("--demo", action="store_true")
    try:
        args = parser.parse_args(raw)
    except _NotTheWindow:
        return None
    args.command = None
    return args


def _ensure_streams() -> None:
    """A windowed program (``Min Plan.exe``) has no console: ``sys.stdout`` and ``sys.stderr``
    are None there. Output then goes nowhere instead of failing on ``None.write``; the console
    program ``minplan.exe`` is the one for commands."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115


def _discard_stdout() -> None:
    """After a broken pipe: send what is still buffered nowhere, so that exit is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _warn_unknown_language(cli_choice: str | None) -> None:
    """``MINPLAN_LANG=fr``: say that Min Plan falls back to Danish instead of silently doing so."""
    asked = (cli_choice or os.environ.get("MINPLAN_LANG") or "").strip()
    if asked and i18n.normalise_language(asked) != asked.lower()[:2]:
        print(
            _(
                "Min Plan has no user interface in {language!r}; it uses Danish. "
                "Choose da or en with --lang or MINPLAN_LANG."
            ).format(language=asked),
            file=sys.stderr,
        )


def _native_crash_reports(*, gui: bool) -> list[Path]:
    """Start watching for native crashes; earlier sessions' reports are returned for the GUI, or
    named on stderr by a CLI command."""
    from app import native_crashes

    reports = native_crashes.start()
    if reports and not gui:
        print(
            _(
                "Min Plan stopped unexpectedly last time; the details are in {path}. "
                "Please send that file to your IT support."
            ).format(path=", ".join(str(p) for p in reports)),
            file=sys.stderr,
        )
    return reports


def _peek_lang(argv: list[str]) -> str | None:
    """The ``--lang`` value before full parsing, so that ``--help`` is already translated."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
