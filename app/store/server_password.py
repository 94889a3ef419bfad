"""The PostgreSQL password of a team deployment, kept in the operating system's key store.

A password never travels on the command line, in an environment variable or in a file: the
database URL names the server and the login role only (``postgresql+psycopg://kl@db/minplan``),
``minplan db password --database-url …`` puts the password into the key store (Windows Credential
Manager, macOS Keychain, Secret Service on Linux) through ``keyring``, and opening the database
reads it from there. The entry is service ``MinPlan PostgreSQL``, user ``role@host:port/database``.

A server that needs no password (a client certificate, Kerberos) works without an entry.
"""

from __future__ import annotations

import getpass
import logging
from typing import TYPE_CHECKING, Any

from app.domain.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

log = logging.getLogger(__name__)

SERVICE = "MinPlan PostgreSQL"
DEFAULT_PORT = 5432


def _url(url: str | URL) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(url) if isinstance(url, str) else url


def entry_name(url: str | URL) -> str:
    """The key store's user name for this server and role: ``role@host:port/database``."""
    parsed = _url(url)
    return entry_for(parsed.username, parsed.host, parsed.port, parsed.database)


def entry_for(user: str | None, host: str | None, port: int | None, database: str | None) -> str:
    """``entry_name`` of a URL's parts (the first screen reads them without SQLAlchemy)."""
    return (
        f"{user or getpass.getuser()}@{host or 'localhost'}:{port or DEFAULT_PORT}/{database or ''}"
    )


def shown(url: str | URL) -> str:
    """The URL as it may be shown and typed: never with a password."""
    return _url(url).render_as_string(hide_password=True)


def refuse_password_in_url(url: str | URL) -> None:
    """A password in the URL would end up in shell histories, shortcuts and process lists."""
    parsed = _url(url)
    if parsed.password is not None or "password" in parsed.query:
        safe = parsed._replace(password=None).difference_update_query(["password"])
        raise DatabaseError(
            "The database address must not contain a password. Store the password in this "
            "computer's key store instead: minplan db password --database-url {url}",
            url=shown(safe),
        )


def _backend() -> Any:
    from app.store.keystore import current_backend

    return current_backend()


def _unusable(backend: Any) -> bool:
    """No key store, or one that keeps secrets in a plain file (``keyrings.alt``)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, chainer.ChainerBackend):
        return not backend.backends or all(_unusable(b) for b in backend.backends)
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    return isinstance(backend, fail.Keyring | null.Keyring) or "plaintext" in name


def require_key_store() -> None:
    """Raise a calm error when this computer has no safe key store."""
    backend = _backend()
    if _unusable(backend):
        raise DatabaseError(
            "This computer has no usable key store for the database password ({backend}). "
            "Use the system's key store (Windows Credential Manager, macOS Keychain or Secret "
            "Service on Linux), or ask IT for a login that needs no password (a client certificate).",
            backend=type(backend).__name__,
        )


def stored_password(url: str | URL) -> str | None:
    """The stored password, or ``None`` (nothing stored, or no usable key store)."""
    return stored_password_for(entry_name(url))


def stored_password_for(entry: str) -> str | None:
    """``stored_password`` of an entry's name (``entry_for``). The store keyring's search chose
    is noted for the next start's first screen (``password_at_start``)."""
    from keyring.errors import KeyringError

    from app.store.keystore import note_choice

    backend = _backend()
    note_choice(backend)
    return _password_in(backend, entry, KeyringError)


def password_at_start(entry: str) -> str | None:
    """``stored_password_for`` at the first screen of a start: from the key store noted at an
    earlier start (``app.store.keystore_choice``) without keyring's search of every installed
    backend (30-50 ms of a start), where there is such a note.

    Only what the noted store holds is used, and a noted store no password is read from (a plain
    file) gives None at once. A guess that is wrong costs the first screen only: a server that
    then asks for a password refuses the connection without logging a failure (as it does for
    ``psql``, which asks for the password only then), and the ordinary start searches."""
    from app.store.keystore import BACKEND_FAILURES
    from app.store.keystore_choice import remembered

    backend = remembered()
    if backend is None:
        return stored_password_for(entry)
    return _password_in(backend, entry, BACKEND_FAILURES, noted=True)


def _password_in(backend: Any, entry: str, failures: Any, *, noted: bool = False) -> str | None:
    """What ``backend`` keeps for ``entry``: None where it keeps nothing, is one no password is
    read from (a plain file), or raises one of ``failures`` (logged; a noted store's quietly,
    as the ordinary start will ask keyring again)."""
    if _unusable(backend):
        return None
    try:
        found: str | None = backend.get_password(SERVICE, entry)
        return found
    except failures as exc:
        level = logging.INFO if noted else logging.WARNING
        log.log(
            level, "the %skey store could not be read: %s", "noted " * noted, type(exc).__name__
        )
        return None


def store_password(url: str | URL, password: str) -> None:
    """Keep ``password`` for this server and role in the key store (replacing an older one)."""
    from keyring.errors import KeyringError

    require_key_store()
    try:
        _backend().set_password(SERVICE, entry_name(url), password)
    except KeyringError as exc:
        raise DatabaseError(
            "The key store refused to keep the password: {reason}", reason=str(exc)
        ) from exc


def forget_password(url: str | URL) -> bool:
    """Remove the stored password; ``False`` when there was none."""
    from keyring.errors import KeyringError, PasswordDeleteError

    require_key_store()
    try:
        _backend().delete_password(SERVICE, entry_name(url))
    except PasswordDeleteError:
        return False
    except KeyringError as exc:
        raise DatabaseError(
            "The key store refused to remove the password: {reason}", reason=str(exc)
        ) from exc
    return True


def _reason(driver_message: str) -> str:
    """The server's own words, without libpq's "connection to server … failed:" frame."""
    last = driver_message.split("failed:")[-1].strip().splitlines()[0]
    return last.removeprefix("FATAL:").strip()


def explain_login_failure(driver_message: str, url: str | URL) -> DatabaseError | None:
    """A calm message naming the command that fixes a missing or refused password.

    Told by the words of the message, not by a SQLSTATE as every other database error is
    (``app.store.error_kinds``): a login refused while connecting reaches libpq as text only
    (psycopg's error has no ``sqlstate`` then), and libpq's own failures before the server
    answers (no password to send, a certificate it cannot verify) have no code at all. The
    phrases are libpq's and the server's English texts: a server whose ``lc_messages`` is not
    English gets the general "cannot reach the server" message instead (None here)."""
    text = driver_message.lower()
    parsed = _url(url)
    params = {
        "server": f"{parsed.host or 'localhost'}:{parsed.port or DEFAULT_PORT}",
        "user": parsed.username or getpass.getuser(),
        "url": shown(parsed),
    }
    if "no password supplied" in text:
        if _unusable(_backend()):
            return DatabaseError(
                "The server {server} asks for the password of {user}, but this computer has no "
                "usable key store to keep it in. Use the system's key store, or ask IT for a "
                "login that needs no password.",
                **params,
            )
        return DatabaseError(
            "The server {server} asks for the password of {user}, and none is stored in this "
            "computer's key store. Store it with: minplan db password --database-url {url}",
            **params,
        )
    if "certificate" in text or "ssl" in text.split("failed:")[-1]:
        return DatabaseError(
            "The connection to {server} could not be secured: {reason}. Check sslrootcert in "
            "the database address (the certificate of the server's certificate authority).",
            server=params["server"],
            reason=_reason(driver_message),
        )
    if f'database "{(parsed.database or "").lower()}" does not exist' in text:
        return DatabaseError(
            "The server {server} has no database called {database}",
            database=parsed.database,
            **params,
        )
    if f'role "{params["user"].lower()}" does not exist' in text:
        return DatabaseError(
            "The server {server} does not know the login {user}; ask IT to create it", **params
        )
    if "password authentication failed" in text:
        return DatabaseError(
            "The server {server} refused the password of {user}. Store the right one with: "
            "minplan db password --database-url {url}",
            **params,
        )
    if "no pg_hba.conf entry" in text:
        return DatabaseError(
            "The server {server} does not accept {user} from this computer ({reason}). Ask IT; "
            "a team server normally requires TLS: sslmode=verify-full in the database address.",
            reason=_reason(driver_message),
            **params,
        )
    return None
