"""A start's first screen read through the DB-API driver, before the ORM is loaded (issue #19).

An everyday start shows the window with I dag first and loads SQLAlchemy, the table classes and
the use cases behind it (``app.ui.orm_loader``). What the window needs first is read here with
plain SQL on one connection, as the ordinary start would read it. On a SQLite file (one
SQLCipher connection):

- the key from the key store (found by the file's salt, as ``app.store.engine.key_for_file``),
  first in the one keyring chose at an earlier start (``app.store.keystore_choice``);
- the schema at head (``alembic_version`` against the revision scripts' lines, as
  ``app.store.migrations.is_at_head``);
- the access-log key present and matching (as ``app.store.audit_chain.ensure_key``);
- who signs in (as ``app.casework.core.sign_in.resolve_actor`` on SQLite);
- I dag (``app.store.day_read``).

On a team server (``read_server_first_screen``: one ``psycopg`` connection with the settings of
``app.store.server_connect`` and the password from the key store, as ``open_url`` connects):
the login's user (the server's ``session_user`` when it is a user, as ``resolve_actor`` signs in
on a server), the schema at head, the access log sealed by the server, and I dag as that login
reads it (its row-level security applies).

Anything out of the ordinary — no key, a schema to upgrade, an access-log key that does not
match, a database without users, a login that is no user, a deactivated user, kept requirements
to rebuild, any driver error — gives None, and the ordinary start then does it all again with
the ORM and says what is wrong as before. So this path only ever shows what the ordinary one
would show; ``tests/test_first_screen.py`` compares them.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

import sqlcipher3.dbapi2 as dbapi2

from app.domain import users
from app.domain.day import DayOverview
from app.domain.errors import MinPlanError
from app.store import cipher
from app.store.cipher import DatabaseKey, FileKind
from app.store.database import Database, Encryption

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

_USER = "SELECT id, initials, name, role, active FROM caseworker"


@dataclass(frozen=True)
class FirstScreen:
    """What the window shows first: the database (its engine made on first use), who signed
    in, and their day."""

    db: Database
    actor: users.Actor
    day: DayOverview


def read_first_screen(
    path: Path,
    *,
    user: str | None,
    demo: bool,
    encryption: bool | None,
    today: date,
    before_engine: Callable[[], None] = lambda: None,
) -> FirstScreen | None:
    """The first screen of ``path`` read through the driver, or None for the ordinary start.

    ``before_engine`` runs before the database's engine is made (on its first use): the window
    waits there for the ORM to finish loading."""
    found = read_file_day(path, user=user, demo=demo, encryption=encryption, today=today)
    return None if found is None else file_first_screen(path, *found, before_engine)


#: What ``read_file_day`` finds: who signs in, their day, the file's key (None for a plaintext
#: file), the key store's name and whether it is protected.
FileDay = tuple[users.Actor, DayOverview, DatabaseKey | None, str | None, bool]


def read_file_day(
    path: Path, *, user: str | None, demo: bool, encryption: bool | None, today: date
) -> FileDay | None:
    """Who signs in on the SQLite file ``path``, their day, and what opened the file; None for
    the ordinary start. A start reads it in a second process while the window's modules load
    (``app.store.first_screen_ahead``)."""
    path = Path(path).expanduser().resolve()
    try:
        found = _key(path, encryption)
        if found is None:
            return None
        key, store_name, protected = found
        connection = cipher.connect(path, key)
    except (MinPlanError, dbapi2.Error, OSError) as problem:
        log.info("first screen through the driver skipped: %s", type(problem).__name__)
        return None
    found_day = _user_and_day(
        connection, user, demo, today, login_of=lambda _c: None, log_sealed=_audit_key_matches
    )
    return None if found_day is None else (*found_day, key, store_name, protected)


def prepare_file_read() -> None:
    """Load what ``read_file_day`` needs before it is asked (the helper of
    ``app.store.first_screen_ahead`` does this while its request is still being written)."""
    import keyring.core  # noqa: F401

    from app.store import day_read, keystore  # noqa: F401
    from app.store.deadline_rule_files import load_rule_sets

    load_rule_sets()


def file_first_screen(
    path: Path,
    actor: users.Actor,
    day: DayOverview,
    key: DatabaseKey | None,
    store_name: str | None,
    protected: bool,
    before_engine: Callable[[], None] = lambda: None,
) -> FirstScreen:
    """The first screen of ``actor`` and ``day`` read in the SQLite file ``path`` opened with
    ``key``: its engine is made on first use, after ``before_engine``."""
    path = Path(path).expanduser().resolve()
    from app.store.location import network_filesystem

    def make_engine() -> Engine:
        before_engine()
        from app.store.engine import sqlite_engine

        return sqlite_engine(path, key)

    db = Database(
        description=str(path),
        path=path,
        encryption=Encryption.of_file(key, store_name, protected),
        network_fs=network_filesystem(path),
        cipher_key=key,
        make_engine=make_engine,
        backend="sqlite",
    )
    return FirstScreen(db, actor, day)


#: A server URL as SQLAlchemy's ``make_url`` reads it (``sqlalchemy/engine/url.py``), for the
#: one driver ``open_url`` uses; ``tests/test_first_screen_server.py`` holds the two readings
#: equal.
_SERVER_URL = re.compile(
    r"""postgresql\+psycopg://
        (?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?
        (?:(?P<host>[^/:?\[\]]+)?(?::(?P<port>[^/?]*))?)?
        (?:/(?P<dbname>[^?]*))?
        (?:\?(?P<query>.*))?""",
    re.X,
)


def server_params(url: str) -> dict[str, Any] | None:
    """The driver's connection parameters of a server URL before the desk's own settings, as
    ``open_url`` gives them (the URL's parts, then its query); None for a URL read otherwise
    (another driver, several hosts or values of one name, a bracketed address, a password)."""
    found = _SERVER_URL.fullmatch(url)
    if found is None or found["password"] is not None:
        return None
    query = parse_qsl(found["query"] or "")
    if len({name for name, _ in query}) != len(query):
        return None
    params: dict[str, Any] = {
        name: unquote(found[name]) for name in ("user", "dbname") if found[name] is not None
    }
    if found["host"]:
        params["host"] = found["host"]
    if found["port"]:
        if not found["port"].isdigit():
            return None
        params["port"] = int(found["port"])
    params.update(query)
    return None if "password" in params or "," in params.get("host", "") else params


def read_server_first_screen(
    url: str,
    *,
    user: str | None,
    demo: bool,
    today: date,
    before_engine: Callable[[], None] = lambda: None,
) -> FirstScreen | None:
    """The first screen of the team server at ``url`` read through ``psycopg``, or None for the
    ordinary start (which also says what is wrong: a password in the URL, a refused login, a
    schema to upgrade …)."""
    found = read_server_day(url, user=user, demo=demo, today=today)
    return None if found is None else server_first_screen(url, *found, before_engine)


def read_server_day(
    url: str, *, user: str | None, demo: bool, today: date
) -> tuple[users.Actor, DayOverview] | None:
    """Who signs in on the team server at ``url`` and their day, read through ``psycopg``; None
    for the ordinary start. A start reads it in a second process while the window's modules
    load (``app.store.first_screen_ahead``)."""
    try:
        import psycopg
    except ImportError:
        return None
    params = server_params(url)
    if params is None:
        return None
    from app.store import server_password
    from app.store.server_connect import connect_options

    entry = server_password.entry_for(
        params.get("user"), params.get("host"), params.get("port"), params.get("dbname")
    )
    params.update(connect_options(params, server_password.password_at_start(entry)))
    try:
        connection = psycopg.connect(**params)
    except psycopg.Error as problem:
        log.info("first screen through the driver skipped: %s", type(problem).__name__)
        return None
    return _user_and_day(
        connection, user, demo, today, login_of=_server_login, log_sealed=_server_sealed
    )


def prepare_server_read() -> None:
    """Load what ``read_server_day`` needs before it is asked (the helper of
    ``app.store.first_screen_ahead`` does this while its request is still being written)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return
    import keyring.core  # noqa: F401

    from app.store import day_read, server_connect, server_password  # noqa: F401
    from app.store.deadline_rule_files import load_rule_sets

    load_rule_sets()


def server_first_screen(
    url: str,
    actor: users.Actor,
    day: DayOverview,
    before_engine: Callable[[], None] = lambda: None,
) -> FirstScreen:
    """The first screen of ``actor`` and ``day`` read on the team server at ``url``: its
    database's engine is made (through ``open_url``) on first use, after ``before_engine``."""

    def make_engine() -> Engine:
        before_engine()
        from app.store.engine import open_url

        return open_url(url).engine

    db = Database(description=url, make_engine=make_engine, backend="postgresql")
    return FirstScreen(db, actor, day)


def _user_and_day(
    connection: Any,
    user: str | None,
    demo: bool,
    today: date,
    *,
    login_of: Callable[[Any], str | None],
    log_sealed: Callable[[Any], bool],
) -> tuple[users.Actor, DayOverview] | None:
    """Who signs in and their day, read on ``connection`` (closed after): the login
    (``login_of``: None for the operating system's), the schema at head, the access log sealed
    as it must be (``log_sealed``), I dag; None where the ordinary start must decide."""
    from app.store.day_read import read_day
    from app.store.deadline_rule_files import load_rule_sets

    try:
        actor = _signed_in(connection, user, demo, login=login_of(connection))
        if actor is None or not _schema_at_head(connection) or not log_sealed(connection):
            return None
        day = read_day(connection, actor.caseworker_id, today, load_rule_sets().book)
    except (MinPlanError, OSError, _driver_error(connection)) as problem:
        log.info("first screen through the driver skipped: %s", type(problem).__name__)
        return None
    finally:
        connection.close()
    return None if day is None else (actor, day)


def _driver_error(connection: Any) -> type[Exception]:
    """The base class of the connection's driver's errors (PEP 249's ``Error``)."""
    error: type[Exception] = dbapi2.Error
    if _on_server(connection):
        import psycopg

        error = psycopg.Error
    return error


def _server_login(connection: Any) -> str:
    """The desk's login as ``resolve_actor`` takes it on a server: the server's ``session_user``
    when it belongs to a user (the server checked its password), else the operating system's."""
    row = connection.execute("SELECT session_user").fetchone()
    if row is not None and _user_for_login(connection, str(row[0])) is not None:
        return str(row[0])
    return users.os_user()


def _server_sealed(connection: Any) -> bool:
    """The server seals the access log itself (schema 0017): no key of the desk's is asked."""
    row = connection.execute("SELECT to_regproc('minplan_audit_append') IS NOT NULL").fetchone()
    return bool(row and row[0])


def _key(path: Path, encryption: bool | None) -> tuple[DatabaseKey | None, str | None, bool] | None:
    """(key, key store, protected) for an existing file opened as ``open_sqlite`` would; None
    when the ordinary start must decide (no file, no key, a plaintext file refused …)."""
    kind = cipher.file_kind(path)
    if kind is FileKind.PLAINTEXT and not cipher.encryption_wanted(encryption):
        return None, None, True
    if kind is not FileKind.ENCRYPTED:
        return None
    from app.store.keystore import adopt, open_remembered_store, open_store

    salt = cipher.read_salt(path)
    store = open_remembered_store()  # keyring's earlier choice, without its search (issue #19)
    raw = None if store is None else store.get(salt.hex())
    if store is not None and raw is not None:
        adopt(store)
    else:  # none noted, or the key is not there: as the ordinary start asks
        store = open_store()
        raw = store.get(salt.hex())
    if raw is None:
        return None
    return DatabaseKey(raw, salt), store.name, store.protected


def _schema_at_head(connection: Any) -> bool:
    from app.store.schema_head import head_from_script_lines

    head = head_from_script_lines()
    stored = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
    return head is not None and stored == [head]


def _audit_key_matches(connection: Any) -> bool:
    """The access-log key is in the key store and belongs to this database's chain (or there
    is no chain yet); a missing or foreign key is the ordinary start's to report."""
    from app.store import audit_key

    head = connection.execute(
        "SELECT database_id, key_check FROM audit_chain WHERE id = 1"
    ).fetchone()
    if head is None:
        return True
    audit_key.get_key(head[0], head[1])  # raises AuditKeyError (a MinPlanError) when it must
    return True


def _signed_in(
    connection: Any, user: str | None, demo: bool, *, login: str | None = None
) -> users.Actor | None:
    """The user at the desk as ``resolve_actor`` finds them (``login``: the server's, else the
    operating system's); None where it would make the first user or refuse (the ordinary start
    then does that and says why)."""
    if connection.execute("SELECT id FROM caseworker LIMIT 1").fetchone() is None:
        return None
    login = login or users.os_user()
    wanted = (user or os.environ.get("MINPLAN_USER") or "").strip().upper()
    mine = _user_for_login(connection, login)
    demo_database = (
        connection.execute(
            _marks(connection, "SELECT id FROM app_setting WHERE key = ? LIMIT 1"),
            (users.DEMO_MARKER,),
        ).fetchone()
        is not None
    )
    if demo or demo_database:
        row = mine
        if wanted:
            row = connection.execute(
                _marks(connection, _USER + " WHERE initials = ? LIMIT 1"), (wanted,)
            ).fetchone()
            if row is None:
                return None
        if row is None:
            row = connection.execute(
                _USER + " WHERE active ORDER BY role != 'caseworker', id LIMIT 1"
            ).fetchone()
    else:
        if mine is None or (wanted and wanted != mine[1]):
            return None
        row = mine
    if row is None or not row[4]:
        return None
    caseworker_id, initials, name, role, _active = row
    return users.Actor(caseworker_id, initials, name, role, login)


def _marks(connection: Any, query: str) -> str:
    """``query``'s ``?`` parameters as the connection's driver takes them (``psycopg``: ``%s``)."""
    return query.replace("?", "%s") if _on_server(connection) else query


def _on_server(connection: Any) -> bool:
    return type(connection).__module__.split(".")[0] == "psycopg"


def _user_for_login(connection: Any, login: str) -> tuple[Any, ...] | None:
    """As ``app.casework.core.actor.user_for_login``: by login name, else by initials."""
    names = list(users.login_candidates(login))
    if not names:
        return None
    marks = ", ".join("?" * len(names))
    row = connection.execute(
        _marks(connection, _USER + f" WHERE login IN ({marks}) LIMIT 1"), names
    ).fetchone()
    if row is None:
        row = connection.execute(
            _marks(connection, _USER + f" WHERE initials IN ({marks}) AND login IS NULL LIMIT 1"),
            [n.upper() for n in names],
        ).fetchone()
    return tuple(row) if row is not None else None
