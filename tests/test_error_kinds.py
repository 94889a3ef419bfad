"""Driver errors are classified by their code: real SQLite failures and PostgreSQL SQLSTATEs.

The messages are never read (a server with Danish ``lc_messages`` words them differently); these
tests make the failures happen for real where a file can, and build PostgreSQL's errors from their
SQLSTATE class where the server would be needed.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import psycopg.errors
import pytest
import sqlcipher3.dbapi2 as dbapi2

from app.store.error_kinds import ErrorKind, classify, sqlite_error


def _failure(action) -> BaseException:  # type: ignore[no-untyped-def]
    with pytest.raises(dbapi2.Error) as caught:
        action()
    return caught.value


def test_a_busy_sqlite_file_is_busy(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    writer = dbapi2.connect(path, timeout=0, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN EXCLUSIVE")
    other = dbapi2.connect(path, timeout=0, isolation_level=None)
    error = _failure(lambda: other.execute("INSERT INTO t VALUES (1)"))
    assert classify(error) is ErrorKind.BUSY
    writer.execute("ROLLBACK")


def test_a_file_that_is_not_a_database_is_named_so(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is a letter, not a database" * 200)
    error = _failure(lambda: dbapi2.connect(path).execute("SELECT * FROM sqlite_master").fetchall())
    assert classify(error) is ErrorKind.NOT_A_DATABASE


def test_a_missing_folder_cannot_be_opened(tmp_path: Path) -> None:
    error = _failure(lambda: dbapi2.connect(tmp_path / "missing" / "x.db"))
    assert classify(error) is ErrorKind.CANNOT_OPEN


def test_a_read_only_connection_is_read_only(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    dbapi2.connect(path).execute("CREATE TABLE t (x)")
    reader = dbapi2.connect(f"file:{path}?mode=ro", uri=True)
    error = _failure(lambda: reader.execute("INSERT INTO t VALUES (1)"))
    assert classify(error) is ErrorKind.READ_ONLY


def test_a_full_database_is_a_full_disk(tmp_path: Path) -> None:
    connection = dbapi2.connect(tmp_path / "full.db", isolation_level=None)
    connection.execute("CREATE TABLE t (x)")
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    error = _failure(lambda: connection.execute("INSERT INTO t VALUES (randomblob(100000))"))
    assert classify(error) is ErrorKind.DISK_FULL


def test_a_backup_onto_a_full_disk_is_a_full_disk(tmp_path: Path) -> None:
    """sqlcipher3's backup raises without the code: SQLite's fixed text classifies it."""
    source = dbapi2.connect(":memory:")
    source.execute("CREATE TABLE t (x)")
    source.execute("INSERT INTO t VALUES (randomblob(100000))")
    source.commit()
    target = dbapi2.connect(tmp_path / "small.db")
    target.execute("PRAGMA max_page_count = 2")
    error = _failure(lambda: source.backup(target))
    assert classify(error) is ErrorKind.DISK_FULL


def test_our_own_sql_mistakes_are_not_environmental() -> None:
    error = _failure(lambda: dbapi2.connect(":memory:").execute("SELEC 1"))
    assert classify(error) is ErrorKind.OTHER
    assert not classify(error).environmental


def test_the_words_of_a_message_do_not_count() -> None:
    """An error that says "locked" but carries no busy code is not classified as busy; only
    SQLite's own fixed text for a code, whole, stands in for a code the binding dropped."""
    assert classify(dbapi2.OperationalError("the row is locked by a colleague")) is ErrorKind.OTHER
    assert classify(dbapi2.OperationalError("database or disk is full")) is ErrorKind.DISK_FULL
    assert classify(sqlite_error("anything at all", 5)) is ErrorKind.BUSY
    assert classify(sqlite_error("extended code", 5 | (1 << 8))) is ErrorKind.BUSY  # BUSY_RECOVERY


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("40P01", ErrorKind.BUSY),
        ("55P03", ErrorKind.BUSY),
        ("42501", ErrorKind.PERMISSION),
        ("25006", ErrorKind.READ_ONLY),
        ("53100", ErrorKind.DISK_FULL),
        ("08006", ErrorKind.CONNECTION),
        ("28P01", ErrorKind.LOGIN),
        ("3D000", ErrorKind.LOGIN),
        ("57P01", ErrorKind.CONNECTION),
        ("23505", ErrorKind.OTHER),
        ("42P01", ErrorKind.OTHER),
    ],
)
def test_postgresql_errors_by_sqlstate(sqlstate: str, kind: ErrorKind) -> None:
    error = psycopg.errors.lookup(sqlstate)("Danish or English, it does not matter")
    assert classify(error) is kind


def test_a_postgresql_connection_that_never_reached_the_server_is_a_connection_failure() -> None:
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect("host=127.0.0.1 port=1 dbname=none connect_timeout=2")
    assert caught.value.sqlstate is None
    assert classify(caught.value) is ErrorKind.CONNECTION


def test_a_full_disk_inside_sqlcipher_export_is_a_full_disk(tmp_path: Path) -> None:
    """``sqlcipher_export`` reports the failure inside it with SQLite's generic code and the
    inner code's fixed text; the text of any other generic error classifies as nothing."""
    source = dbapi2.connect(tmp_path / "source.db", isolation_level=None)
    source.execute("CREATE TABLE t (x)")
    source.execute("INSERT INTO t SELECT randomblob(4000) FROM (SELECT 1 UNION SELECT 2)")
    source.execute("ATTACH DATABASE ? AS copy KEY ''", (str(tmp_path / "copy.db"),))
    source.execute("PRAGMA copy.max_page_count = 2")
    error = _failure(lambda: source.execute("SELECT sqlcipher_export('copy')"))
    assert getattr(error, "sqlite_errorcode", None) == 1
    assert classify(error) is ErrorKind.DISK_FULL
    assert classify(sqlite_error("no such table: database or disk is full", 1)) is ErrorKind.OTHER
