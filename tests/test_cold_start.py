"""A start does what the first screen needs and no more (issue #19): it imports no module that
only another page, a menu action or a command uses, builds only the first page, reads the schema
revision without Alembic and the language catalog without parsing it again."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlmodel import select

from app import i18n
from app.casework.core.actor import Actor
from app.store.engine import Database
from app.store.migrations import head_from_script_lines, head_revision, is_at_head, upgrade
from app.ui.casework.context import UiContext
from tests.conftest import cli_args
from tests.test_today import TODAY, make_people

#: Modules the first screen (I dag) never needs: the other pages, printing and PDFs, the
#: spreadsheet and bundle code, indicators and goal plans, the demo generator and the bench,
#: Alembic (the schema is read with one query at head) and the PostgreSQL driver on a file.
NOT_AT_START = (
    "reportlab",
    "openpyxl",
    "faker",
    "duckdb",
    "alembic",
    "mako",
    "pygments",
    "psycopg",
    "sqlalchemy.dialects.postgresql",
    "PySide6.QtPrintSupport",
    "PySide6.QtCharts",
    "app.reports.plan_pdf",
    "app.reports.access_pdf",
    "app.reports.indicator_export",
    "app.reports.goalplans",
    "app.reports.measures",
    "app.reports.measure_catalog",
    "app.casework.bundle",
    "app.casework.goals",
    "app.demo",
    "app.bench.runner",
    "app.bench.core",
    "app.ui.citizens.page",
    "app.ui.worklist.page",
    "app.ui.companies.page",
    "app.ui.indicators.page",
    "app.ui.admin.settings_page",
    "app.ui.access_log.page",
    "app.ui.casework.citizen_page",
    "app.ui.printing",
)

#: ``minplan`` as a desk starts it, stopped once the window is shown and its first page has
#: painted: the modules loaded then, and which pages were built.
FIRST_SCREEN = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import app.ui.application as application
    from app.ui import orm_loader

    shown = []
    start = orm_loader.OrmLoader.start

    def noted_start(self):
        shown.extend(() if shown else sorted(sys.modules))  # what the window needed
        start(self)

    orm_loader.OrmLoader.start = noted_start

    def first_screen_only(db, **options):
        from PySide6.QtWidgets import QApplication

        window = application.open_main_window(db, **options)
        QApplication.processEvents()
        orm_loader.wait()  # then the ORM behind it (the window's thread runs what waited)
        names = ("citizens", "worklist", "companies", "indicators", "settings", "citizen")
        Path(sys.argv[1]).write_text(json.dumps({
            "shown": shown,
            "modules": sorted(sys.modules),
            "first_page": type(window.pages.currentWidget()).__name__,
            "painted": window.today_page.loaded and bool(window.today_page.lines),
            "built": [name for name in names if window.pages.built(name) is not None],
            "through_the_driver": options.get("first") is not None,
        }))
        window.close()
        return 0

    application.run_gui = first_screen_only
    from app.cli import main

    sys.exit(main(sys.argv[2:]))
    """
)

#: What the window is shown without, on an everyday start: the ORM, the tables, the use cases.
LOADED_BEHIND_THE_WINDOW = (
    "sqlalchemy",
    "sqlmodel",
    "pydantic",
    "alembic",
    "app.store.models",
    "app.store.engine",
    "app.casework",
)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("everyday", [True, False], ids=["everyday", "checked"])
@pytest.mark.parametrize("demo", [False, True], ids=["db", "demo"])
def test_a_start_imports_only_what_the_first_screen_needs(
    sqlite_db: Database,
    subprocess_keyring: dict[str, str],
    tmp_path: Path,
    demo: bool,
    everyday: bool,
) -> None:
    """Also ``minplan --demo`` once its database exists: the generator is for making it. The
    everyday start (the file closed cleanly after its last check) shows the window before the
    ORM is loaded; a start that checks the file first takes the ordinary way."""
    from app.casework.core.actor import os_user
    from app.casework.deadlines.deadline_store import ensure_current
    from app.store import start_check
    from app.store.deadline_rule_files import load_rule_sets
    from app.store.engine import transaction
    from app.store.models import Caseworker

    make_people(sqlite_db)
    with transaction(sqlite_db) as session:  # the desk's login is Karen's, who has a caseload
        karen = session.exec(select(Caseworker).where(Caseworker.initials == "KL")).one()
        karen.login = os_user().lower()
    ensure_current(sqlite_db, load_rule_sets().book)  # as any earlier start left them
    sqlite_db.dispose()
    assert sqlite_db.path is not None
    path = sqlite_db.path
    args = [*cli_args(sqlite_db), "--user", "KL", "--lang", "da"]
    if demo:
        from app import paths

        paths.demo_database_path().parent.mkdir(parents=True, exist_ok=True)
        path = Path(shutil.copyfile(sqlite_db.path, paths.demo_database_path()))
        args = ["--demo", "--user", "KL", "--lang", "da"]
    if everyday:  # checked at an earlier start, closed cleanly since
        start_check.remember_good(path)
        start_check.remember_clean_close(path)
    out = tmp_path / "first-screen.json"
    env = {**subprocess_keyring, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", FIRST_SCREEN, str(out), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["first_page"] == "TodayPage" and seen["painted"], "the day was read and shown"
    assert seen["built"] == [], "only the first page is built at start"
    loaded = set(seen["modules"])
    needless = sorted(
        name for name in loaded if any(name == n or name.startswith(n + ".") for n in NOT_AT_START)
    )
    assert needless == []
    assert {"sqlalchemy", "app.ui.today.page"} <= loaded, "the check saw a real start"
    assert seen["through_the_driver"] == everyday, "an everyday start reads its first screen so"
    if not everyday:
        return
    behind = sorted(
        name
        for name in seen["shown"]
        if any(name == n or name.startswith(n + ".") for n in LOADED_BEHIND_THE_WINDOW)
    )
    assert behind == [], "the window was shown before the ORM was loaded"


def test_the_start_pauses_the_cycle_collector_and_freezes_what_it_made(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collector stays off from the command to the window (it examined every module's
    objects again and again); what the start made is frozen just before the window, and after
    the window's run it is put back and the collector is on again."""
    import app.ui.application as application
    from app.cli import main

    seen: dict[str, object] = {}
    monkeypatch.setattr(gc, "freeze", lambda: seen.setdefault("frozen_while_off", gc.isenabled()))
    monkeypatch.setattr(gc, "unfreeze", lambda: seen.setdefault("put_back", True))

    def window(db: Database, **_options: object) -> int:
        seen["window_while_off"] = not gc.isenabled()
        db.dispose()
        return 0

    monkeypatch.setattr(application, "run_gui", window)
    make_people(sqlite_db)
    sqlite_db.dispose()
    assert gc.isenabled()
    assert main([*cli_args(sqlite_db), "--user", "KL", "--lang", "da"]) == 0
    assert seen == {"frozen_while_off": False, "window_while_off": True, "put_back": True}
    assert gc.isenabled(), "on again after the window"


def test_the_other_pages_are_built_when_first_shown_or_asked_for(qtbot, db: Database) -> None:
    from app.casework.core.result import Area, Saved
    from app.ui.main_window import MainWindow
    from app.ui.operations import Change
    from app.ui.page_stack import PageSlot

    ids = make_people(db)
    i18n.set_language("da")
    ctx = UiContext(db, Actor(ids["lead"], "TL", "Tove Leth", "teamlead", "tove"), lambda: TODAY)
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    win.show()
    names = ("citizens", "worklist", "companies", "indicators", "settings", "access_log")
    assert [win.pages.built(name) for name in names] == [None] * len(names)
    assert win.pages.built("citizen") is None
    change = Saved(ids["recent"], 1, ids["recent"], frozenset({Area.CITIZEN_LIST, Area.COMPANIES}))
    win._changed(Change.of(change))  # nothing to refresh on a page never shown: none is built
    assert win.pages.built("citizens") is None and win.pages.built("companies") is None

    for row, name in enumerate(("citizens", "worklist", "companies"), start=1):
        win.nav.setCurrentRow(row)  # as Ctrl+2, Ctrl+3 … do
        page = win.pages.built(name)
        assert page is not None and win.pages.currentWidget() is page
        assert win.pages.indexOf(page) == row, "the page stands where its slot stood"
    assert not any(isinstance(win.pages.widget(i), PageSlot) for i in range(1, 4))
    assert win.settings_page is win.pages.widget(5), "asked for by name: built in its place"
    win.open_citizen(ids["recent"])
    assert win.pages.currentWidget() is win.citizen_page
    assert win.citizen_page.citizen_id == ids["recent"]


def test_the_schema_check_at_start_needs_no_alembic_when_the_database_is_current(
    sqlite_db: Database,
) -> None:
    assert head_from_script_lines() == head_revision()
    assert is_at_head(sqlite_db)
    assert not upgrade(sqlite_db).changed
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0017'")
    assert not is_at_head(sqlite_db), "behind: Alembic's own path upgrades it"


def test_the_compiled_catalog_is_kept_and_made_again_when_damaged(isolated_home: Path) -> None:
    i18n._catalog.cache_clear()
    try:
        assert i18n._catalog("da").gettext("Today") == "I dag"
        [kept] = (isolated_home / "cache" / "catalogs").glob("minplan-da-*.mo")
        kept.write_bytes(b"not a catalog")
        i18n._catalog.cache_clear()
        assert i18n._catalog("da").gettext("Today") == "I dag"
        assert kept.read_bytes().startswith(b"\xde\x12\x04\x95"), "compiled again"
    finally:
        i18n._catalog.cache_clear()


def test_the_citizen_list_reads_its_ids_once_when_first_shown(
    qtbot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table's set-up sorts (``setSortingEnabled``, the sort indicator) before the page sets
    its filter: each of those sorts once read every citizen's id; only the filtered read is left."""
    from app.ui.citizens import table_model
    from app.ui.citizens.page import CitizensPage

    ids = make_people(db)
    reads: list[int | None] = []

    def counting(real):  # type: ignore[no-untyped-def]
        def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
            reads.append(kwargs.get("caseworker_id"))
            return real(*args, **kwargs)

        return counted

    # a search reads through search_citizens, a new order through find_citizen_ids
    for read in ("search_citizens", "find_citizen_ids"):
        monkeypatch.setattr(table_model, read, counting(getattr(table_model, read)))
    karen = Actor(ids["karen"], "KL", "Karen Lund", "caseworker", "karen")
    page = CitizensPage(UiContext(db, karen, lambda: TODAY))
    qtbot.addWidget(page)
    assert reads == [ids["karen"]], "one read, of the caseload"
    assert page.model.rowCount() == 2
    header = page.table.horizontalHeader()
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)  # as a click on a column's header
    # (on a team server from the background, however short the list)
    qtbot.waitUntil(lambda: len(reads) >= 2, timeout=3000)
    assert reads == [ids["karen"], ids["karen"]]


#: ``minplan`` as a desk starts it, up to the window (which is not run).
UP_TO_THE_WINDOW = textwrap.dedent(
    """
    import sys

    import app.ui.application as application

    application.run_gui = lambda db, **options: 0
    from app.cli import main

    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.postgres
def test_a_desk_on_a_team_server_starts_the_window(
    pg_db: Database, subprocess_keyring: dict[str, str]
) -> None:
    """A start against a server (its first screen through psycopg, nothing left over to tidy)
    reaches the window. It stopped with a traceback before the window once, as only a launch in
    a real process showed."""
    make_people(pg_db)
    args = [*cli_args(pg_db), "--user", "KL", "--lang", "da"]
    env = {**subprocess_keyring, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", UP_TO_THE_WINDOW, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
