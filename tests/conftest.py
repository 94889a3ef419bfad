"""Shared fixtures: an isolated user folder, databases made by the real migrations, actors.

Databases: ``db`` is a fresh SQLite file per test (copied from one migrated template);
``any_db`` runs a test on SQLite and on PostgreSQL (``MINPLAN_TEST_PG_URL``; with
``MINPLAN_REQUIRE_PG=1``, as in CI, a missing server fails instead of skipping).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring_backend import TestKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A home (data folder, key store) for fixtures made before a test's own home exists (module and
# session scope), so that nothing ever reaches the developer's real folders.
os.environ["MINPLAN_HOME"] = tempfile.mkdtemp(prefix="minplan-session-home-")
os.environ["MINPLAN_TEST_KEYRING_DIR"] = os.environ["MINPLAN_HOME"]
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.TestKeyring"

from app import i18n  # noqa: E402
from app.casework.actor import Actor  # noqa: E402
from app.store.engine import Database, open_sqlite, open_url  # noqa: E402
from app.store.migrations import upgrade  # noqa: E402

keyring.set_keyring(TestKeyring())


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


@pytest.fixture(autouse=True)
def key_store(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh key store per test: a file in the test's home, which child processes started by
    a test (with ``PYTHONPATH`` at the checkout) find through ``PYTHON_KEYRING_BACKEND``."""
    from app.store import audit_key

    keyring.set_keyring(TestKeyring())
    audit_key.forget_cached_keys()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_sqlite(path)
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
