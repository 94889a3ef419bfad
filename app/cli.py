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
translated message and exit with status 2; nothing is half-written.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from app import i18n, paths
from app.domain.errors import DatabaseError, MinPlanError
from app.i18n import _

log = logging.getLogger("minplan.cli")

#: Default size of the demo database that ``minplan --demo`` creates.
DEMO_CITIZENS = 2000
DEMO_SEED = 1


def _add_common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="minplan", description=_("Min Plan: the citizen's plan, kept by the jobcenter.")
    )
    _add_common(parser, suppress=False)
    parser.add_argument(
        "--demo",
        action="store_true",
        help=_("open a generated demo database; your own data is not touched"),
    )
    from app.version import version

    parser.add_argument("--version", action="version", version=f"Min Plan {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help=_("database maintenance"))
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_sub.add_parser(
        "upgrade", help=_("bring the database schema up to date (after a backup copy)")
    )
    upgrade.add_argument(
        "--no-backup", action="store_true", help=_("do not copy the file before upgrading")
    )
    _add_common(upgrade, suppress=True)
    current = db_sub.add_parser(
        "current", help=_("show the database's schema revision and whether it is encrypted")
    )
    _add_common(current, suppress=True)
    from app import cli_db_password

    cli_db_password.add_parser(db_sub, _add_common)
    from app import cli_encryption

    cli_encryption.add_parsers(db_sub, _add_common)
    from app import cli_keystore

    cli_keystore.add_parser(db_sub, _add_common)

    demo = sub.add_parser("demo", help=_("write a synthetic demo jobcenter into a database"))
    demo.add_argument(
        "--citizens",
        type=int,
        default=DEMO_CITIZENS,
        help=_("number of citizens (default %(default)s)"),
    )
    demo.add_argument(
        "--seed",
        type=int,
        default=DEMO_SEED,
        help=_("random seed: the same seed gives the same data"),
    )
    demo.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    demo.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=date.fromisoformat,
        default=None,
        help=_("the demo's 'today' (default: today); with the seed it fixes the data"),
    )
    _add_common(demo, suppress=True)

    imp = sub.add_parser("import", help=_("import a CSV bundle (all or nothing)"))
    imp.add_argument(
        "directory",
        metavar="DIR|FILE.xlsx",
        help=_("folder holding the bundle's CSV files, or the bundle as one .xlsx workbook"),
    )
    imp.add_argument(
        "--dry-run", action="store_true", help=_("check the files and report, but write nothing")
    )
    imp.add_argument(
        "--fix-leading-zeros",
        action="store_true",
        help=_(
            "give back the leading 0 of CPR numbers a spreadsheet shortened to 9 digits "
            "(otherwise they are refused)"
        ),
    )
    _add_common(imp, suppress=True)

    exp = sub.add_parser("export", help=_("export the whole database as a CSV bundle"))
    exp.add_argument(
        "directory",
        metavar="DIR|FILE.xlsx",
        help=_(
            "folder to write the CSV files into, or an .xlsx file for one workbook with a "
            "sheet per file"
        ),
    )
    _add_common(exp, suppress=True)

    from app import cli_deadlines

    cli_deadlines.add_parser(sub, _add_common)
    from app import cli_plan_pdf

    cli_plan_pdf.add_parser(sub, _add_common)
    from app import cli_measure

    cli_measure.add_parser(sub, _add_common)
    from app import cli_indicators

    cli_indicators.add_parser(sub, _add_common)
    from app import cli_backup

    cli_backup.add_parsers(sub, _add_common)
    from app import cli_bench

    cli_bench.add_parser(sub, _add_common)
    from app import cli_audit

    cli_audit.add_parser(sub, _add_common)
    from app import cli_privacy

    cli_privacy.add_parsers(sub, _add_common)
    from app import cli_users

    cli_users.add_parser(sub, _add_common)
    return parser


#: Commands that make a new database file when there is none (the GUI's first start, an import);
#: the others report a missing file instead of reading or exporting an empty new database.
CREATING_COMMANDS = {None, "import"}


def database_path(args: argparse.Namespace) -> Path:
    """The SQLite file: ``--db``; else the demo's own file with ``--demo`` (made when missing);
    else ``MINPLAN_DB`` or the data folder. ``--db`` must name a file in a folder that exists:
    a mistyped folder is refused, never created."""
    if getattr(args, "db", None):
        path = Path(args.db).expanduser()
        if not path.parent.is_dir():
            raise DatabaseError(
                "The folder {folder} does not exist; create it first, or give --db a file in "
                "an existing folder",
                folder=str(path.parent),
            )
        return path
    if getattr(args, "demo", False):
        from app.casework.demo_data import ensure_demo_database

        path = paths.demo_database_path()
        ensure_demo_database(
            path, citizens=DEMO_CITIZENS, seed=DEMO_SEED, encryption=encryption_choice(args)
        )
        return path
    return paths.default_database_path()


def actor_for(session, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Who a command acts as: the user at the desk; on the demo database its administrator, or
    the user ``--user`` names."""
    from app.casework.actor import resolve_actor

    return resolve_actor(
        session, getattr(args, "user", None), demo=getattr(args, "demo", False), demo_role="admin"
    )


def encryption_choice(args: argparse.Namespace) -> bool | None:
    """``--no-encryption`` gives False; otherwise None (``MINPLAN_ENCRYPTION``, default on)."""
    return False if getattr(args, "no_encryption", False) else None


def open_database(  # type: ignore[no-untyped-def]
    args: argparse.Namespace,
    *,
    create: bool | None = None,
    upgrade: bool = True,
    announce: bool = True,
):
    """The database named on the command line (or the default), upgraded to the current schema.

    A SQLite file is upgraded on the spot (after a backup copy); a server's schema must already
    be current (its owner runs ``minplan db upgrade``), otherwise a calm error says so. With
    ``announce``, a network-drive warning and a new database's recovery key go to stderr (the
    GUI shows them in its own windows instead).
    """
    if create is None:
        create = getattr(args, "command", None) in CREATING_COMMANDS
    from app.store.engine import open_sqlite, open_url
    from app.store.migrations import require_current
    from app.store.migrations import upgrade as upgrade_schema

    url = getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL")
    if url:
        db = open_url(url, encryption=encryption_choice(args))
    else:
        path = database_path(args)
        args.leftover_notice = _remove_leftovers(path, announce=announce)
        db = open_sqlite(path, create=create, encryption=encryption_choice(args))
    if announce:
        from app.cli_encryption import announce as announce_database

        announce_database(db)
    if upgrade and db.is_sqlite:
        upgrade_schema(db)
    elif upgrade:  # a shared server is upgraded by its owner: minplan db upgrade
        require_current(db)
    return db


def _remove_leftovers(path: Path, *, announce: bool) -> str | None:
    """Copies cut off last time (a killed backup, rekey, restore or demo) are removed now, and the
    start says so: on stderr for a command, in the status bar for the window."""
    from app.i18n import ngettext
    from app.store.leftovers import remove_leftovers

    removed = remove_leftovers(path)
    if path != paths.demo_database_path():
        removed += remove_leftovers(paths.demo_database_path())
    if not removed:
        return None
    message = ngettext(
        "Removed {n} unfinished copy left by work that was cut off last time: {files}",
        "Removed {n} unfinished copies left by work that was cut off last time: {files}",
        len(removed),
    ).format(n=len(removed), files=", ".join(p.name for p in removed))
    if announce:
        print(message, file=sys.stderr)
    return message


def _check_before_start(args: argparse.Namespace) -> Path | None:
    """A quick integrity check of the user's SQLite file (with its key, if encrypted); a damaged
    one raises ``DamagedDatabaseError`` naming the newest good backup. A file that passed and
    closed cleanly since is not checked now: it is returned, to be checked in the background."""
    from app.domain.errors import DamagedDatabaseError
    from app.store import start_check
    from app.store.backup import backup_folder, integrity_verdict, newest_good_backup

    if getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL"):
        return None
    path = database_path(args)
    if not start_check.needs_check(path):
        log.info("the database closed cleanly after its last check: checked in the background")
        return path.resolve()
    verdict = integrity_verdict(path)
    if verdict is None:  # no file or no key: opening it explains that
        return None
    if verdict:
        start_check.remember_good(path)
        return None
    good = newest_good_backup(backup_folder(path), path.stem)
    if good is None:
        raise DamagedDatabaseError(
            "The database {path} is damaged and there is no good backup; contact IT support",
            path=str(path),
        )
    raise DamagedDatabaseError(
        "The database {path} is damaged. The newest good backup is {backup}; restore it with: "
        "minplan restore {backup}",
        path=str(path),
        backup=str(good),
    )


def cmd_gui(args: argparse.Namespace) -> int:
    from app.domain.errors import DamagedDatabaseError

    notice, check_later = None, None
    require_display()
    try:
        if args.demo:
            from app.casework.demo_data import ensure_demo_database

            path = database_path(args)
            if args.db:  # --demo --db FILE: the demo in a file of one's choice
                ensure_demo_database(
                    path, citizens=DEMO_CITIZENS, seed=DEMO_SEED, encryption=encryption_choice(args)
                )
            args.db = str(path)
        try:
            check_later = _check_before_start(args)
        except DamagedDatabaseError as damaged:
            from app.ui.recovery import offer_restore

            notice = offer_restore(
                damaged, language=args.lang
            )  # the user's answer, or None to stop here
            if notice is None:
                raise
        db = open_database(args, announce=False)
        _access_log_at_start(db)
    except MinPlanError as error:  # from a desktop icon nobody reads stderr: say it in a window
        from app.ui.application import show_startup_error

        show_startup_error(error)
        raise
    from app.ui.application import run_gui

    leftovers = getattr(args, "leftover_notice", None)
    notice = " ".join(part for part in (notice, leftovers) if part) or None
    return run_gui(
        db,
        language=args.lang,
        user=args.user,
        demo=args.demo,
        crashes=getattr(args, "native_crashes", ()),
        notice=notice,
        check_in_background=check_later,
    )


def _access_log_at_start(db) -> None:  # type: ignore[no-untyped-def]
    """The access-log key must be there (fails closed), and old months are purged."""
    from app.casework.audit_retention import purge_at_start
    from app.store.audit_chain import ensure_key

    ensure_key(db)
    purge_at_start(db)
    from app.casework import audit_checkpoints

    audit_checkpoints.start(db)  # on exit and daily, a checkpoint in the folder IT set


def cmd_db(args: argparse.Namespace) -> int:
    from app import cli_encryption
    from app.store.migrations import current_revision, head_revision, upgrade

    if args.db_command == "password":
        from app import cli_db_password

        return cli_db_password.run(args)
    if args.db_command in ("rekey", "encrypt", "recover"):
        return cli_encryption.run(args)
    if args.db_command == "keystore":
        from app import cli_keystore

        return cli_keystore.run(args)
    db = open_database(args, create=args.db_command == "upgrade", upgrade=False)
    if args.db_command == "current":
        print(
            _("Schema revision: {current} (newest: {head})").format(
                current=current_revision(db) or "-", head=head_revision()
            )
        )
        print(cli_encryption.encryption_line(db))
        return 0
    result = upgrade(db, backup=not args.no_backup)
    if not result.changed:
        print(_("The database is already up to date ({revision}).").format(revision=result.after))
    else:
        print(
            _("Upgraded the database from {before} to {after}.").format(
                before=result.before or "-", after=result.after
            )
        )
        if result.backup:
            print(_("Backup copy: {path}").format(path=result.backup))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.casework.demo_data import write_demo_database

    if getattr(args, "database_url", None):
        return _demo_on_server(args)
    path = database_path(args) if getattr(args, "db", None) else paths.demo_database_path()
    summary = write_demo_database(
        path,
        citizens=args.citizens,
        seed=args.seed,
        force=args.force,
        progress=_stderr_progress,
        as_of=args.as_of,
        encryption=encryption_choice(args),
    )
    print(
        _("Wrote a synthetic demo jobcenter to {path}: {summary}").format(
            path=path, summary=summary
        )
    )
    if summary.recovery_key:
        from app.cli_encryption import print_recovery_key

        print_recovery_key(summary.recovery_key, summary.database_id or "", path.resolve())
    _print_demo_users(path, encryption_choice(args))
    return 0


def _print_demo_users(path: Path, encryption: bool | None) -> None:
    """Who the demo's users are, so that ``--user INITIALS`` can be tried from the CLI."""
    from app.casework.users import list_users
    from app.cli_users import table
    from app.store.engine import open_sqlite

    db = open_sqlite(path, create=False, encryption=encryption)
    try:
        users = list_users(db)
    finally:
        db.dispose()
    admin = next((u.initials for u in users if u.role == "admin" and u.active), "-")
    print(
        _(
            "The demo's users (commands act as {admin}; choose another with --user INITIALS):"
        ).format(admin=admin)
    )
    print("\n".join(table(users)))


def _demo_on_server(args: argparse.Namespace) -> int:
    """Demo data into an empty database on a server (nothing there is ever replaced)."""
    from app.casework.actor import system_actor
    from app.casework.demo_data import populate

    if args.force:
        raise MinPlanError("--force replaces SQLite files only; on a server give an empty database")
    from app.store.migrations import upgrade

    db = open_database(args, upgrade=False)
    try:
        upgrade(db)
        summary = populate(
            db,
            system_actor(),
            citizens=args.citizens,
            seed=args.seed,
            as_of=args.as_of,
            progress=_stderr_progress,
        )
    finally:
        db.dispose()
    print(
        _("Wrote a synthetic demo jobcenter to {path}: {summary}").format(
            path=db.description, summary=summary
        )
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.casework.bundle.importer import check_bundle_source, import_bundle
    from app.store.engine import transaction

    source = check_bundle_source(Path(args.directory))  # before any database is made
    db = open_database(args)
    with transaction(db) as session:
        actor, first_admin = _importer(session, args, source)
    report = import_bundle(
        db,
        actor,
        source,
        dry_run=args.dry_run,
        progress=_stderr_progress,
        first_admin=first_admin,
        fix_leading_zeros=args.fix_leading_zeros,
    )
    for line in report.error_lines():
        print(line, file=sys.stderr)
    print(report.summary(), file=sys.stdout if report.ok else sys.stderr)
    for line in report.encoding_lines():  # which encoding each CSV file was read in
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 2


def _importer(session, args: argparse.Namespace, source: Path):  # type: ignore[no-untyped-def]
    """Who imports, and which bundle caseworker becomes the administrator (or None).

    Into a database without users the person at the desk becomes its administrator: when the
    bundle holds them already (their login as initials in ``caseworkers.csv``) as that row,
    written with the import, instead of a second user of their own; a dry run makes nobody."""
    from app.casework.actor import Actor, os_user
    from app.casework.bundle.importer import bundle_user_for_login
    from app.casework.users import has_users

    if has_users(session):
        return actor_for(session, args), None
    match = bundle_user_for_login(source, os_user())
    if match is None and not args.dry_run:
        return actor_for(session, args), None  # the first administrator, from the login
    initials, name = match or ("", os_user())
    actor = Actor(
        caseworker_id=None, initials=initials or None, name=name, role="admin", os_user=os_user()
    )
    return actor, initials or None


def cmd_export(args: argparse.Namespace) -> int:
    from app.casework.bundle.exporter import export_bundle
    from app.store.engine import transaction

    db = open_database(args)
    with transaction(db) as session:
        actor = actor_for(session, args)
    report = export_bundle(db, actor, Path(args.directory))
    print(report.summary())
    return 0


def _stderr_progress(done: int, total: int, what: str = "") -> bool:
    """A one-line progress bar on stderr for long CLI work; returns True to continue."""
    if not sys.stderr.isatty() or total <= 0:
        return True
    width = 30
    filled = int(width * done / total)
    sys.stderr.write(f"\r{what[:24]:<24} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()
    return True


def cmd_deadlines(args: argparse.Namespace) -> int:
    from app import cli_deadlines

    return cli_deadlines.run(args, open_database)


def cmd_plan_pdf(args: argparse.Namespace) -> int:
    from app import cli_plan_pdf

    return cli_plan_pdf.run(args, open_database)


def cmd_measure(args: argparse.Namespace) -> int:
    from app import cli_measure

    return cli_measure.run(args, open_database)


def cmd_indicators(args: argparse.Namespace) -> int:
    from app import cli_indicators

    return cli_indicators.run(args, open_database)


def cmd_audit(args: argparse.Namespace) -> int:
    from app import cli_audit

    return cli_audit.run(args, open_database)


def cmd_backup(args: argparse.Namespace) -> int:
    from app import cli_backup

    return cli_backup.run_backup(args)


def cmd_restore(args: argparse.Namespace) -> int:
    from app import cli_backup

    return cli_backup.run_restore(args)


def cmd_bench(args: argparse.Namespace) -> int:
    from app import cli_bench

    return cli_bench.run(args)


def cmd_retention(args: argparse.Namespace) -> int:
    from app import cli_privacy

    return cli_privacy.run_retention(args, open_database)


def cmd_access_request(args: argparse.Namespace) -> int:
    from app import cli_privacy

    return cli_privacy.run_access_request(args, open_database)


def cmd_users(args: argparse.Namespace) -> int:
    from app import cli_users

    return cli_users.run(args, open_database)


COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: cmd_gui,
    "db": cmd_db,
    "demo": cmd_demo,
    "import": cmd_import,
    "export": cmd_export,
    "deadlines": cmd_deadlines,
    "plan-pdf": cmd_plan_pdf,
    "measure": cmd_measure,
    "indicators": cmd_indicators,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "bench": cmd_bench,
    "audit": cmd_audit,
    "retention": cmd_retention,
    "access-request": cmd_access_request,
    "users": cmd_users,
}


def main(argv: Sequence[str] | None = None) -> int:
    from app.cli_argparse import translate_argparse
    from app.logging_setup import configure_logging

    _ensure_streams()
    raw = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(i18n.initial_language(_peek_lang(raw)))
    translate_argparse()
    _warn_unknown_language(_peek_lang(raw))
    args = build_parser().parse_args(raw)
    configure_logging()
    args.native_crashes = _native_crash_reports(gui=args.command is None)
    try:
        code = COMMANDS[args.command](args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except MinPlanError as error:
        print(_("Error: {message}").format(message=i18n.translate_error(error)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("Interrupted; nothing more was written."), file=sys.stderr)
        return 130
    except BrokenPipeError:  # ``minplan deadlines | head``: the reader has seen enough
        _discard_stdout()
        return 0


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


def require_display() -> None:
    """The window needs a display: on Linux without X11 or Wayland (an SSH session, a server)
    say so in the user's language and point at the commands, instead of Qt's abort."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return  # offscreen, vnc, eglfs …: Qt draws without a desktop
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return
    raise MinPlanError(
        "There is no display to show Min Plan's window on (neither DISPLAY nor WAYLAND_DISPLAY "
        "is set). Start Min Plan on the desktop, or use its commands without a window: "
        "minplan --help"
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
