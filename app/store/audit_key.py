"""The access log's HMAC key: 256 random bits in the operating system's key store, apart from the
database (and from the database's own encryption key).

The key is a ``keyring`` entry: service ``MinPlan audit``, user name the database's id (a UUID
kept in ``audit_chain``), value the key in base64. It is created the first time an audit event is
written to a new database. A database whose chain already has a key is never given a new one: a
computer without the key (or with another one) is refused with a message saying how to install
it (``minplan audit key import FILE``, with the file IT exported by ``minplan audit key export``).

Fails closed: the "fail"/"null" backends and plaintext file backends are refused unless
``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1`` (tests and headless batch use); then, where no key store
exists at all, the key is kept in a file readable only by the user in the data folder.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from app import paths
from app.domain.errors import DatabaseError

SERVICE = "MinPlan audit"
KEY_BYTES = 32
_CHECK_TEXT = b"minplan audit key check v1"
_ALLOW_ENV = "MINPLAN_ALLOW_PLAINTEXT_KEYRING"


class AuditKeyError(DatabaseError):
    """The access-log key cannot be had: no safe key store, or not this database's key."""


_cache: dict[tuple[int, str], bytes] = {}
_lock = threading.Lock()
#: Keys handed over by the helper that read the start's first screen in a process of its own
#: (``app.store.first_screen_ahead``), by database id: used without asking the key store again,
#: and only where they match the chain's check.
_handed: dict[str, bytes] = {}


def _plaintext_allowed() -> bool:
    return os.environ.get(_ALLOW_ENV) == "1"


def _backend() -> Any:
    """The key store (the same one the database key uses, ``app.store.keystore``), or None where
    there is no key store at all and an unprotected file is allowed."""
    from app.domain.errors import KeyringUnavailable
    from app.store.keystore import open_store

    try:
        return open_store().backend
    except KeyringUnavailable:
        if _plaintext_allowed():
            return None  # no key store at all: a file only the user can read
        raise AuditKeyError(
            "No safe key store for the access-log key (keyring backend: {backend}). "
            "Start Min Plan in a desktop session with a key store (Windows Credential Manager, "
            "macOS Keychain, GNOME Keyring or KWallet), or set "
            "MINPLAN_ALLOW_PLAINTEXT_KEYRING=1 to allow an unprotected key",
            backend=_backend_label(),
        ) from None


def _backend_label() -> str:
    from app.domain.errors import KeyringUnavailable
    from app.store.keystore import backend_name, current_backend

    try:
        return backend_name(current_backend())
    except KeyringUnavailable:
        return "?"


def _file(database_id: str) -> Path:
    return paths.user_data_dir() / "keys" / f"audit-{database_id}.key"


def _read(database_id: str) -> str | None:
    backend = _backend()
    if backend is not None:
        try:
            found: str | None = backend.get_password(SERVICE, database_id)
            return found
        except Exception as exc:  # keyring backends raise their own kinds (locked, D-Bus down)
            raise AuditKeyError(
                "The key store could not be read: {reason}", reason=str(exc) or type(exc).__name__
            ) from exc
    path = _file(database_id)
    return path.read_text(encoding="ascii").strip() if path.exists() else None


def _write(database_id: str, encoded: str) -> None:
    backend = _backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, database_id, encoded)
        except Exception as exc:
            raise AuditKeyError(
                "The key store could not be written: {reason}",
                reason=str(exc) or type(exc).__name__,
            ) from exc
        return
    path = _file(database_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(encoded)
    temporary.replace(path)


def _decode(encoded: str) -> bytes:
    try:
        key = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditKeyError("The access-log key in the key store is damaged")
    return key


def key_check(key: bytes) -> str:
    """An HMAC of a fixed text: tells whether a key is the chain's without revealing it."""
    return hmac.new(key, _CHECK_TEXT, hashlib.sha256).hexdigest()


def _cache_key(database_id: str) -> tuple[int, str]:
    try:
        import keyring

        return (id(keyring.get_keyring()), database_id)
    except Exception:  # no module, or a backend that cannot be loaded: one key per database
        return (0, database_id)


def keys_read() -> dict[str, bytes]:
    """The keys this process has read, by database id (what a helper hands over)."""
    with _lock:
        return {database_id: key for (_store, database_id), key in _cache.items()}


def hand_over(database_id: str, key: bytes) -> None:
    """``key``, read from the key store by this start's helper process, is this database's key
    if it matches the chain's check (``get_key``)."""
    with _lock:
        _handed[database_id] = key


def get_key(database_id: str, expected_check: str | None) -> bytes:
    """The database's access-log key. ``expected_check`` None means a new chain: a key is
    created (or an installed one used); otherwise the stored key must match it."""
    with _lock:
        handed = _handed.get(database_id)
        if handed is not None and expected_check is not None:
            if hmac.compare_digest(key_check(handed), expected_check):
                return handed
            del _handed[database_id]  # not this chain's: the key store decides
    cache_key = _cache_key(database_id)
    with _lock:
        key = _cache.get(cache_key)
        if key is None:
            encoded = _read(database_id)
            if encoded is None:
                if expected_check is not None:
                    raise AuditKeyError(
                        "This computer does not have the access-log key of this database. "
                        "Ask IT for the key file and install it with: minplan audit key import FILE"
                    )
                encoded = base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
                _write(database_id, encoded)
            key = _decode(encoded)
        if expected_check is not None and not hmac.compare_digest(key_check(key), expected_check):
            _cache.pop(cache_key, None)
            raise AuditKeyError(
                "The access-log key on this computer belongs to another database. Ask IT for "
                "this database's key file and install it with: minplan audit key import FILE"
            )
        _cache[cache_key] = key
        return key


def export_key(database_id: str, expected_check: str | None) -> str:
    """The key file's text for IT (keep it like a password: whoever holds it can re-seal)."""
    key = get_key(database_id, expected_check)
    return f"minplan-audit-key v1 {database_id} {base64.b64encode(key).decode('ascii')}\n"


def import_key(text: str, database_id: str, expected_check: str | None) -> None:
    """Install a key file exported on another computer (checked against this database)."""
    parts = text.split()
    if len(parts) != 4 or parts[:2] != ["minplan-audit-key", "v1"]:
        raise AuditKeyError("This is not a Min Plan access-log key file")
    if parts[2] != database_id:
        raise AuditKeyError("The key file belongs to another database")
    key = _decode(parts[3])
    if expected_check is not None and not hmac.compare_digest(key_check(key), expected_check):
        raise AuditKeyError("The key file does not match this database's access log")
    _write(database_id, parts[3])
    with _lock:
        _cache.pop(_cache_key(database_id), None)


def forget_cached_keys() -> None:
    """Drop keys held in memory (tests switch key stores between cases)."""
    with _lock:
        _cache.clear()
        _handed.clear()
