"""Shared fixtures: an isolated user folder, databases made by the real migrations, actors.

Databases: ``db`` is a fresh SQLite file per test (copied from one migrated template);
``any_db`` runs a test on SQLite and on PostgreSQL (``MINPLAN_TEST_PG_URL``; with
``MINPLAN_REQUIRE_PG=1``, as in CI, a missing server fails instead of skipping).

Encryption is on, as for users: every SQLite database in the suite is a SQLCipher file whose key
is in ``MEMORY_KEYRING``, an in-memory key store that stands in for the operating system's (the
suite never touches the developer's real key store). Tests that start other Python processes use
``subprocess_keyring``: the same keys in a plaintext JSON file (``tests/file_keyring.py``) that
the children load through ``PYTHON_KEYRING_BACKEND`` — and that Min Plan accepts only because
``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1`` is set for them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent

from app import i18n  # noqa: E402
from app.casework.actor import Actor  # noqa: E402
from app.store.engine import Database, open_sqlite, open_url  # noqa: E402
from app.store.migrations import upgrade  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A key store in memory only: trusted like the operating system's (nothing is on disk)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


MEMORY_KEYRING = MemoryKeyring()
keyring.set_keyring(MEMORY_KEYRING)

ENCRYPTION_VARS = (
    "MINPLAN_ENCRYPTION",
    "MINPLAN_ALLOW_PLAINTEXT_KEYRING",
    "PYTHON_KEYRING_BACKEND",
    "MINPLAN_TEST_KEYRING_FILE",
)


@pytest.fixture(autouse=True)
def memory_keyring(
    monkeypatch: pytest.MonkeyPatch, migrated_template: Path
) -> Iterator[MemoryKeyring]:
    """Every test starts on the shared in-memory key store, with encryption on by default; what a
    test does to the store (a lost key, say) is undone afterwards. (The template is made first,
    so that its key is among those kept.)"""
    for var in ENCRYPTION_VARS:
        monkeypatch.delenv(var, raising=False)
    keyring.set_keyring(MEMORY_KEYRING)
    kept = dict(MEMORY_KEYRING.entries)
    yield MEMORY_KEYRING
    MEMORY_KEYRING.entries.clear()
    MEMORY_KEYRING.entries.update(kept)
    keyring.set_keyring(MEMORY_KEYRING)


@pytest.fixture
def subprocess_keyring(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, migrated_template: Path
) -> dict[str, str]:
    """The keys in a file that child processes can read; returns the environment for them.

    (It needs the template first, so that the template's key is among the keys copied.)"""
    from file_keyring import PlaintextFileKeyring

    path = tmp_path / "test-keyring.json"
    backend = PlaintextFileKeyring(path)
    for (service, username), password in MEMORY_KEYRING.entries.items():
        backend.set_password(service, username, password)
    keyring.set_keyring(backend)
    monkeypatch.setenv("MINPLAN_TEST_KEYRING_FILE", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "file_keyring.PlaintextFileKeyring")
    monkeypatch.setenv("MINPLAN_ALLOW_PLAINTEXT_KEYRING", "1")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")])}


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never touch the developer's real data folder; start every test in Danish."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("MINPLAN_HOME", str(home))
    for var in ("MINPLAN_DB", "MINPLAN_DATABASE_URL", "MINPLAN_LANG", "MINPLAN_USER"):
        monkeypatch.delenv(var, raising=False)
    i18n.set_language("da")
    return home


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


@pytest.fixture
def pg_db() -> Iterator[Database]:
    url = _pg_url()
    if not url:
        if os.environ.get("MINPLAN_REQUIRE_PG") == "1":
            pytest.fail("MINPLAN_REQUIRE_PG=1 but MINPLAN_TEST_PG_URL is not set")
        pytest.skip("no PostgreSQL server (set MINPLAN_TEST_PG_URL)")
    db = open_url(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade(db, backup=False)
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on SQLite and on PostgreSQL."""
    name = "sqlite_db" if request.param == "sqlite" else "pg_db"
    return request.getfixturevalue(name)


@pytest.fixture
def db(sqlite_db: Database) -> Database:
    return sqlite_db


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
