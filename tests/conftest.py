"""Shared fixtures: an isolated user folder, databases made by the real migrations, actors.

Databases: ``db`` is a fresh database per test, made by cloning one migrated template (a copied
SQLite file, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL); ``any_db`` runs a test on SQLite
and on PostgreSQL (``MINPLAN_TEST_PG_URL``; with ``MINPLAN_REQUIRE_PG=1``, as in CI, a missing
server fails instead of skipping). ``db_args`` are the command-line options naming ``db``.

``MINPLAN_TEST_BACKEND`` chooses the backend of the whole run (``./dev.sh test`` runs both):
``sqlite`` runs everything on SQLite and leaves out the PostgreSQL-only tests; ``postgresql``
makes ``db`` (and so the GUI and CLI tests) a PostgreSQL database and leaves out the tests
marked ``sqlite_only`` (the file itself: backup/restore, crash kills, pragmas). Unset, ``db`` is
SQLite and ``any_db`` runs on both.

Encryption is on, as for users: every SQLite database in the suite is a SQLCipher file whose key
is in ``MEMORY_KEYRING`` (``tests/keyring_backend.py``), a key store that stands in for the
operating system's (the suite never touches the developer's real key store). It is mirrored to
a JSON file per test, which child processes load through ``PYTHON_KEYRING_BACKEND``, so a test's
children find the same database and access-log keys. ``subprocess_keyring`` instead gives children
a plaintext file store that Min Plan accepts only with ``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1``.
"""

from __future__ import annotations

import itertools
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring_backend import FILE_VARIABLE, MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
# A home (data folder, key store) for fixtures made before a test's own home exists (module and
# session scope), so that nothing ever reaches the developer's real folders.
os.environ["MINPLAN_HOME"] = tempfile.mkdtemp(prefix="minplan-session-home-")
os.environ[FILE_VARIABLE] = str(Path(os.environ["MINPLAN_HOME"]) / "test-keyring.json")
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.ChildKeyring"

from sqlalchemy.pool import NullPool  # noqa: E402

from app import i18n  # noqa: E402
from app.casework.core.actor import Actor  # noqa: E402
from app.store.engine import Database, open_sqlite, open_url  # noqa: E402
from app.store.migrations import upgrade  # noqa: E402

MEMORY_KEYRING = MemoryKeyring()
keyring.set_keyring(MEMORY_KEYRING)

#: Switches a test may set; each test starts without them (encryption on, trusted key store).
ENCRYPTION_VARS = ("MINPLAN_ENCRYPTION", "MINPLAN_ALLOW_PLAINTEXT_KEYRING")


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never touch the developer's real data folder; start every test in Danish."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MINPLAN_HOME", str(home))
    for var in (
        "MINPLAN_DB",
        "MINPLAN_DATABASE_URL",
        "MINPLAN_LANG",
        "MINPLAN_USER",
        "MINPLAN_CHECKPOINT_DIR",
    ):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language("da")
    return home


BACKEND = os.environ.get("MINPLAN_TEST_BACKEND", "").strip().lower()
if BACKEND not in ("", "sqlite", "postgresql"):
    raise pytest.UsageError(f"MINPLAN_TEST_BACKEND must be sqlite or postgresql, not {BACKEND!r}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """After the test body, before its fixtures go (the database, the key store): let the
    citizen lists' background search logging finish, so that no entry is written afterwards
    into a database whose key is gone and reported in the next test's window."""
    yield
    search_log = sys.modules.get("app.ui.citizens.search_log")
    if search_log is not None:
        search_log.flush_all()
    # The same for the window's background reads (``app.ui.operations``): a read still running
    # when the database is disposed and its file removed would crash the test process later.
    if "app.ui.operations" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(30_000)
        # The runner pauses Python's cycle collector while its jobs run and resumes it from the
        # event loop; a test that ends before the loop turns again left it off for every later
        # test (a dialog's wrapper then outlived its page and pytest-qt's teardown failed on
        # it). No job runs any more here, so it is switched on again.
        import gc

        gc.enable()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out what the chosen backend does not run (deselected, not skipped one by one)."""
    if not BACKEND:
        return

    def other_backend(item: pytest.Item) -> bool:
        param = getattr(item, "callspec", None) and item.callspec.params.get("any_db")
        if BACKEND == "postgresql":
            return item.get_closest_marker("sqlite_only") is not None or param == "sqlite"
        return item.get_closest_marker("postgres") is not None or param == "postgresql"

    left_out = [item for item in items if other_backend(item)]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if not other_backend(item)]


@pytest.fixture(scope="session")
def test_backend() -> str:
    """The backend ``db`` uses in this run: "sqlite" or "postgresql"."""
    return "postgresql" if BACKEND == "postgresql" else "sqlite"


@pytest.fixture(autouse=True)
def memory_keyring(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, migrated_template: Path
) -> Iterator[MemoryKeyring]:
    """Every test starts on the suite's key store with the keys made before it (the template's,
    module fixtures'), mirrored to a file in the test's home for its child processes, with
    encryption on; what a test does to the store (a lost key, say) is undone afterwards."""
    from app.store import audit_key

    for var in ENCRYPTION_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv(FILE_VARIABLE, str(isolated_home / "test-keyring.json"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyring_backend.ChildKeyring")
    keyring.set_keyring(MEMORY_KEYRING)
    kept = dict(MEMORY_KEYRING.entries)  # the template's and other longer-lived fixtures' keys
    MEMORY_KEYRING.entries.update(kept)  # (written to this test's file for its children)
    audit_key.forget_cached_keys()
    yield MEMORY_KEYRING
    MEMORY_KEYRING.entries.clear()
    MEMORY_KEYRING.entries.update(kept)
    keyring.set_keyring(MEMORY_KEYRING)
    audit_key.forget_cached_keys()


@pytest.fixture
def keyring_searches(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """keyring left to find its backend itself (no choice configured), its files in ``tmp_path``."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def subprocess_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, migrated_template: Path
) -> dict[str, str]:
    """The keys in a plaintext file store for child processes; returns the environment for them.

    (It needs the template first, so that the template's key is among the keys copied.)"""
    from file_keyring import PlaintextFileKeyring

    path = tmp_path / "test-plaintext-keyring.json"
    backend = PlaintextFileKeyring(path)
    for (service, username), password in MEMORY_KEYRING.entries.items():
        backend.set_password(service, username, password)
    keyring.set_keyring(backend)
    monkeypatch.setenv("MINPLAN_TEST_KEYRING_FILE", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "file_keyring.PlaintextFileKeyring")
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    keyring.set_keyring(MEMORY_KEYRING)  # made before any test's own key store set-up
    db = open_sqlite(path, encryption=True)
    upgrade(db, backup=False)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture
def sqlite_db(migrated_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "minplan.db"
    shutil.copyfile(migrated_template, path)
    db = open_sqlite(path)
    yield db
    db.dispose()


def _pg_url() -> str | None:
    return os.environ.get("MINPLAN_TEST_PG_URL") or None


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The test server (its URL's user must be allowed to create databases)."""
    url = _pg_url()
    if not url:
        if os.environ.get("MINPLAN_REQUIRE_PG") == "1" or BACKEND == "postgresql":
            pytest.fail("PostgreSQL is required but MINPLAN_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set MINPLAN_TEST_PG_URL)")
    server = PgServer(url)
    # The group roles every team server has (packaging/postgresql/roles.sql makes them; the
    # server's functions ask about membership in them): made here, so that a test sees the same
    # server whether or not an earlier test in the run ran roles.sql.
    for group in ("minplan_caseworker", "minplan_teamlead", "minplan_admin"):
        server._execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{group}') "
            f"THEN CREATE ROLE {group} NOLOGIN; END IF; END $$"
        )
    yield server
    server.close()


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database of its own, cloned from the session's template."""
    name = pg_server.clone()
    db = open_url(pg_server.url_of(name))
    yield db
    db.dispose()
    pg_server.drop(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(name)


@pytest.fixture
def db(request: pytest.FixtureRequest) -> Database:
    """A fresh migrated database on the run's backend (SQLite unless MINPLAN_TEST_BACKEND says)."""
    backend = request.getfixturevalue("test_backend")
    return request.getfixturevalue("pg_db" if backend == "postgresql" else "sqlite_db")


def cli_args(database: Database) -> list[str]:
    """The ``minplan`` options that name ``database``."""
    if database.is_sqlite:
        return ["--db", str(database.path)]
    return ["--database-url", database.engine.url.render_as_string(hide_password=False)]


@pytest.fixture
def db_args(db: Database) -> list[str]:
    """The command-line options naming the ``db`` fixture's database."""
    return cli_args(db)


@pytest.fixture
def new_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with no schema yet on the run's backend: a file not yet made, or an empty
    PostgreSQL database."""
    if request.getfixturevalue("test_backend") != "postgresql":
        db = open_sqlite(tmp_path / "new.db")
        yield db
        db.dispose()
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_empty()
    db = open_url(server.url_of(name))
    yield db
    db.dispose()
    server.drop(name)


@pytest.fixture
def new_db_args(new_db: Database) -> list[str]:
    """The command-line options naming ``new_db``."""
    return cli_args(new_db)


class PgServer:
    """Databases on the test server: one migrated template per run, cloned for every test.

    ``CREATE DATABASE … TEMPLATE`` takes a few tens of milliseconds, much less than running the
    migrations, and gives each test a database nobody else touches (also from other processes).
    """

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.base = make_url(url)
        self.admin = create_engine(
            self.base.set(database="postgres"), isolation_level="AUTOCOMMIT", poolclass=NullPool
        )
        self.prefix = f"minplan_t{os.getpid()}"
        self.counter = itertools.count(1)
        self.template = f"{self.prefix}_template"
        self._execute(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {self.template}")
        template = open_url(self.url_of(self.template))
        try:
            upgrade(template, backup=False)
        finally:
            template.dispose()

    def url_of(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(sql)

    def clone(self) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f"CREATE DATABASE {name} TEMPLATE {self.template}")
        return name

    def create_empty(self) -> str:
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f"CREATE DATABASE {name}")
        return name

    def drop(self, name: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def close(self) -> None:
        self.drop(self.template)
        self.admin.dispose()


@pytest.fixture
def pg_login(pg_server: PgServer, pg_db: Database) -> Iterator[Callable[..., tuple[str, str]]]:
    """Make login roles with a password on the test server: ``make(group) -> (url, password)``.

    The URL names ``pg_db`` with that login and no password (it goes into the key store).
    """
    made: list[str] = []

    def make(group: str | None = None) -> tuple[str, str]:
        name = f"{pg_server.prefix}_login_{next(pg_server.counter)}"
        password = secrets.token_urlsafe(16)
        member = f" IN ROLE {group}" if group else ""
        pg_server._execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'{member}")
        made.append(name)
        url = pg_db.engine.url._replace(username=name, password=None)
        return url.render_as_string(hide_password=False), password

    yield make
    for name in made:
        with pg_db.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {name}")
        pg_server._execute(f"DROP ROLE IF EXISTS {name}")


@pytest.fixture
def actor() -> Actor:
    return Actor(
        caseworker_id=None, initials="TEST", name="Test Bruger", role="admin", os_user="tester"
    )


@pytest.fixture(autouse=True)
def no_blocking_discard_prompt(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A modal "throw away changes?" box during widget teardown would hang the run; answer yes.

    Tests of the prompt itself replace this answer with their own.
    """
    if "qtbot" not in request.fixturenames:
        return
    import app.ui.form as form

    monkeypatch.setattr(form, "confirm_discard", lambda parent: True)


@pytest.fixture
def today_when_each_test_runs(request, monkeypatch) -> None:
    """The test module's ``TODAY`` read again as each test starts: the app takes the day from
    the clock (an access grant's day, the day a note may still be edited), and a run across
    Danish midnight (23:00 UTC in winter) would otherwise compare the day the module was read
    with the next one."""
    from app.domain.dates import local_today

    monkeypatch.setattr(request.module, "TODAY", local_today())
