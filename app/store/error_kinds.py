"""What kind of failure a database driver reported, read from its error code, never its words.

SQLite and SQLCipher put the result code on the exception (``sqlite_errorcode``; extended codes
carry the primary code in their low byte); PostgreSQL errors carry their SQLSTATE (psycopg's
``sqlstate``). Messages differ between versions and languages (a Danish ``lc_messages`` on the
server), codes do not. The one exception is a PostgreSQL connection that fails before the server
answers: libpq reports it without a SQLSTATE, so it is a connection failure by its type alone, and
only ``app.store.server_password`` reads its words to name the fix.
"""

from __future__ import annotations

import enum
import sys
from typing import cast

import sqlcipher3.dbapi2 as dbapi2


class ErrorKind(enum.Enum):
    """The failures Min Plan explains to its user; ``OTHER`` is a programming or data error."""

    BUSY = "busy"
    NOT_A_DATABASE = "not_a_database"
    READ_ONLY = "read_only"
    CANNOT_OPEN = "cannot_open"
    DISK_FULL = "disk_full"
    DISK_IO = "disk_io"
    PERMISSION = "permission"
    CONNECTION = "connection"
    LOGIN = "login"
    OTHER = "other"

    @property
    def environmental(self) -> bool:
        """True for failures of the machine, file or server rather than of Min Plan's own SQL."""
        return self is not ErrorKind.OTHER


SQLITE_BUSY = 5

#: SQLite's generic result code, which says nothing of the cause.
_SQLITE_ERROR = 1

#: SQLite primary result codes (https://www.sqlite.org/rescode.html).
_SQLITE = {
    3: ErrorKind.PERMISSION,  # SQLITE_PERM
    5: ErrorKind.BUSY,  # SQLITE_BUSY
    6: ErrorKind.BUSY,  # SQLITE_LOCKED
    8: ErrorKind.READ_ONLY,  # SQLITE_READONLY
    10: ErrorKind.DISK_IO,  # SQLITE_IOERR
    11: ErrorKind.NOT_A_DATABASE,  # SQLITE_CORRUPT
    13: ErrorKind.DISK_FULL,  # SQLITE_FULL
    14: ErrorKind.CANNOT_OPEN,  # SQLITE_CANTOPEN
    23: ErrorKind.PERMISSION,  # SQLITE_AUTH
    26: ErrorKind.NOT_A_DATABASE,  # SQLITE_NOTADB
}

#: SQLite's fixed text for a result code (``sqlite3_errstr``, never translated), for the two paths
#: where the code is lost: sqlcipher3's ``Connection.backup`` raises without ``sqlite_errorcode``,
#: and ``sqlcipher_export`` reports a full disk as SQLITE_ERROR with the inner code's text. Only
#: the whole text counts, so no other message can match.
_SQLITE_ERRSTR = {
    "access permission denied": 3,
    "database is locked": 5,
    "database table is locked": 6,
    "attempt to write a readonly database": 8,
    "disk I/O error": 10,
    "database disk image is malformed": 11,
    "database or disk is full": 13,
    "unable to open database file": 14,
    "file is not a database": 26,
}

#: Min Plan's own SQLSTATE (class ``MP``, unused by PostgreSQL): the server refuses to open a
#: citizen outside the login's caseload until a reason is stated (schema 0019).
REASON_NEEDED = "MPR01"

#: PostgreSQL SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_SQLSTATE = {
    "40P01": ErrorKind.BUSY,  # deadlock_detected
    "40001": ErrorKind.BUSY,  # serialization_failure
    "55P03": ErrorKind.BUSY,  # lock_not_available (lock_timeout)
    "42501": ErrorKind.PERMISSION,  # insufficient_privilege
    REASON_NEEDED: ErrorKind.PERMISSION,
    "25006": ErrorKind.READ_ONLY,  # read_only_sql_transaction
    "53100": ErrorKind.DISK_FULL,  # disk_full
    "58030": ErrorKind.DISK_IO,  # io_error
    "3D000": ErrorKind.LOGIN,  # invalid_catalog_name: no such database
    "57P01": ErrorKind.CONNECTION,  # admin_shutdown
    "57P02": ErrorKind.CONNECTION,  # crash_shutdown
    "57P03": ErrorKind.CONNECTION,  # cannot_connect_now
}
#: Whole SQLSTATE classes.
_SQLSTATE_CLASS = {
    "08": ErrorKind.CONNECTION,  # connection_exception
    "28": ErrorKind.LOGIN,  # invalid_authorization_specification
    "53": ErrorKind.DISK_FULL,  # insufficient_resources (disk, memory, connections)
}


def classify(error: BaseException | None) -> ErrorKind:
    """The kind of a driver exception (``DBAPIError.orig``), by its code."""
    if isinstance(error, dbapi2.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if not isinstance(code, int) or code == _SQLITE_ERROR:
            # No code, or SQLite's generic one: a function such as ``sqlcipher_export`` reports
            # the failure inside it with SQLITE_ERROR and the inner result code's fixed text.
            code = _SQLITE_ERRSTR.get(str(error), code)
        if code is None:
            return ErrorKind.OTHER
        return _SQLITE.get(code & 0xFF, ErrorKind.OTHER)
    # psycopg is imported by the PostgreSQL dialect when a server is opened, never for a SQLite
    # file (it costs a start a third of a second): an error can only be psycopg's once it is.
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        state = error.sqlstate
        if state is None:
            # libpq failed before the server answered (refused, timed out, closed connection).
            return (
                ErrorKind.CONNECTION
                if isinstance(error, psycopg.OperationalError)
                else ErrorKind.OTHER
            )
        if state in _SQLSTATE:
            return _SQLSTATE[state]
        return _SQLSTATE_CLASS.get(state[:2], ErrorKind.OTHER)
    return ErrorKind.OTHER


def sqlstate(error: BaseException | None) -> str | None:
    """The SQLSTATE of a PostgreSQL error (``DBAPIError.orig``); None for any other error."""
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(error, psycopg.Error):
        return cast(str | None, error.sqlstate)
    return None


def sqlite_error(message: str, code: int) -> dbapi2.OperationalError:
    """A SQLite error carrying its result code, as the library raises it (for seams and tests)."""
    error = dbapi2.OperationalError(message)
    error.sqlite_errorcode = code  # set by the C library normally
    return error
