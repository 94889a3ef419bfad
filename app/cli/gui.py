"""``minplan`` without a command: the window, after the checks a start makes.

The database's quick integrity check (a damaged file offers the newest good backup), the
access-log key and its purge of old months, then ``app.ui.application.run_gui``. Only this module
of the CLI imports the UI, and only when the window is wanted.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.database import (
    DEMO_CITIZENS,
    DEMO_SEED,
    database_path,
    encryption_choice,
    open_database,
)
from app.domain.errors import MinPlanError

if TYPE_CHECKING:
    from app.store.first_screen import FirstScreen
    from app.store.first_screen_ahead import FirstScreenAhead

log = logging.getLogger("minplan.cli")


def _check_before_start(args: argparse.Namespace) -> Path | None:
    """A quick integrity check of the user's SQLite file (with its key, if encrypted); a damaged
    one raises ``DamagedDatabaseError`` naming the newest good backup. A file that passed and
    closed cleanly since is not checked now: it is returned, to be checked in the background."""
    from app.domain.errors import DamagedDatabaseError
    from app.store import start_check

    if getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL"):
        return None
    path = database_path(args)
    if not start_check.needs_check(path):
        log.info("the database closed cleanly after its last check: checked in the background")
        return path.resolve()
    from app.store.backup import backup_folder, integrity_verdict, newest_good_backup

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


def run(args: argparse.Namespace) -> int:
    """The window's run; its status is Qt's (0 when the window was closed normally).

    Python's cycle collector is paused while the start imports and reads: the modules, the
    tables' classes and the Qt wrappers it makes live as long as the process, and the collector
    examined all of them again and again (two full passes alone were a tenth of a second and
    more of every start). Just before the window is made they are moved out of its sight
    (``gc.freeze``: still freed by reference counting); from then on the window's own collector
    (``app.ui.gui_thread_gc``) collects in the GUI thread as before. Once the window has closed
    they are put back (``gc.unfreeze``), so a caller that goes on (a test) finds the collector as
    it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    from app.domain.errors import DamagedDatabaseError

    notice, check_later = None, None
    require_display()
    try:
        if args.demo:
            path = database_path(args)
            if args.db and not path.exists():  # --demo --db FILE: the demo in a file of one's
                from app.demo.data import ensure_demo_database  # choice (Faker only to make it)

                gc.enable()  # making the demo drops many cycles: collected as they come
                try:
                    ensure_demo_database(
                        path,
                        citizens=DEMO_CITIZENS,
                        seed=DEMO_SEED,
                        encryption=encryption_choice(args),
                    )
                finally:
                    gc.disable()
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
        first = _first_screen(args, check_later) if notice is None else None
        dismiss_helper()  # one started at launch and not taken
        if first is None:
            removed = getattr(args, "leftover_notice", None)  # by the first screen's try
            db = open_database(args, announce=False)
            args.leftover_notice = getattr(args, "leftover_notice", None) or removed
            _access_log_at_start(db)
        else:
            db = first.db
    except MinPlanError as error:  # from a desktop icon nobody reads stderr: say it in a window
        from app.ui.application import show_startup_error

        show_startup_error(error)
        raise
    _load_qt()
    from app.ui.application import run_gui

    gc.freeze()
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
        first=first,
        after_load=None if first is None else lambda: _access_log_at_start(db),
    )


def _first_screen(args: argparse.Namespace, check_later: Path | None) -> FirstScreen | None:
    """The everyday start's first screen read through the driver, the ORM then loaded behind the
    window (issue #19): on a team server, and on a SQLite file that closed cleanly (its integrity
    check is left for the background), when the ORM is not loaded already (a caller in the same
    process, a test: the ordinary start then costs nothing more). On a team server it is read in
    a helper process while this one loads the window's modules, where a helper can be started
    (``app.store.first_screen_ahead``). None for the ordinary start, which also reports whatever
    is wrong."""
    if "sqlalchemy" in sys.modules:
        return None
    from app.domain.dates import local_today

    url = getattr(args, "database_url", None) or os.environ.get("MINPLAN_DATABASE_URL")
    if url:
        from app.store import first_screen_ahead

        today = local_today()
        if first_screen_ahead.wanted():  # the request at once: a URL it cannot read gives None
            ahead = first_screen_ahead.start_server(
                url, user=args.user, demo=args.demo, today=today
            )
            if ahead is not None:
                return _from_the_helper(ahead, args.lang)
        from app.store.first_screen import read_server_first_screen

        return read_server_first_screen(
            url, user=args.user, demo=args.demo, today=today, before_engine=_wait_for_orm
        )
    if check_later is None:
        return None
    from app.cli.database import _remove_leftovers
    from app.store import first_screen_ahead

    path = database_path(args)
    args.leftover_notice = _remove_leftovers(path, announce=False)
    request = {"user": args.user, "demo": args.demo, "encryption": encryption_choice(args)}
    if first_screen_ahead.wanted():
        ahead = first_screen_ahead.start_file(path, **request, today=local_today())
        if ahead is not None:
            return _from_the_helper(ahead, args.lang)
    from app.store.first_screen import read_first_screen

    return read_first_screen(path, **request, today=local_today(), before_engine=_wait_for_orm)


def _from_the_helper(ahead: FirstScreenAhead, language: str | None) -> FirstScreen | None:
    """The window's modules loaded while the helper reads on the other core (and what makes
    its answer the first screen), the application object made, then its answer (None: the
    ordinary start reads it all itself)."""
    _load_the_window()
    import app.store.first_screen  # noqa: F401  (before the answer comes, not after)
    from app.ui.application import prepare

    prepare(language)

    first = ahead.first_screen(before_engine=_wait_for_orm)
    log.info("first screen read by a helper process: %s", first is not None)
    return first


def dismiss_helper() -> None:
    """A first screen's helper started at launch and not wanted now ends
    (``app.store.first_screen_ahead``; none was started where that module is not loaded)."""
    ahead = sys.modules.get("app.store.first_screen_ahead")
    if ahead is not None:
        ahead.dismiss()


def _load_the_window() -> None:
    """The window's modules (Qt among them), loaded while a helper reads the first screen of a
    team server (``app.store.first_screen_ahead``): ``run_gui`` then finds them loaded."""
    _load_qt()
    import app.ui.application
    import app.ui.main_window  # noqa: F401


def _load_qt() -> None:
    """PySide6, before any of the window's modules (``app.ui.pyside_scan``)."""
    from app.ui.pyside_scan import load_pyside_without_source_scan

    load_pyside_without_source_scan()


def _wait_for_orm() -> None:
    """``app.ui.orm_loader.wait``, its module imported only when the engine is first made.

    The first screen is read before anything of Qt is imported, so the key store's some hundred
    modules (keyring, its D-Bus and crypto libraries) and the day's read are loaded before Qt
    and its import hook (``app.ui.pyside_scan``) are (issue #19)."""
    from app.ui import orm_loader

    orm_loader.wait()


def _access_log_at_start(db) -> None:
    """The access-log key must be there (fails closed), and old months are purged."""
    from app.casework.privacy.audit_retention import purge_at_start
    from app.store.audit_chain import ensure_key

    ensure_key(db)
    purge_at_start(db)
    from app.casework.privacy import audit_checkpoints

    audit_checkpoints.start(db)  # on exit and daily, a checkpoint in the folder IT set


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
