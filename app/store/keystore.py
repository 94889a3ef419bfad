"""The database keys in the operating system's key store, through ``keyring`` — failing closed.

Min Plan keeps each database's raw key under the service ``Min Plan database key`` with the
database id (the file's salt in hex, see ``app.store.cipher``) as the user name. It accepts only a
key store that protects secrets: Windows Credential Locker, the macOS Keychain, the Secret Service
(GNOME Keyring, KWallet) and others of keyring's recommended kind (priority ≥ 1). It refuses

- keyring's *fail* backend (no key store was found),
- keyring's *null* backend (the key store is switched off: a key would be thrown away), and
- a backend that keeps secrets in a plain or weakly protected file (``keyrings.alt``; any backend
  with a priority below 1), unless ``MINPLAN_ALLOW_PLAINTEXT_KEYRING=1`` says that this is a test
  or a headless batch machine whose disk is protected in another way.

The fail and null backends are refused even then, because a key put there is lost. Where keyring
chains several backends, the first protecting one is used directly, so that a key is never
silently written to a plaintext file further down the chain.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from enum import Enum

if sys.platform != "darwin":
    # keyring's macOS backend, as soon as it is loaded, looks for Apple's Security framework with
    # ctypes: on Linux that runs gcc and ldconfig three times (0.1-0.2 s of every start). Off
    # macOS its priority refuses it anyway, so its bindings are marked missing, which its module
    # expects (it catches the failed import) and which changes no choice of key store.
    sys.modules.setdefault("keyring.backends.macOS.api", None)  # type: ignore[arg-type]  # None marks a module as missing for the import system

import keyring  # noqa: E402  (after the line above)
import keyring.errors  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from app.domain.errors import KeyringUnavailable  # noqa: E402
from app.store import keystore_choice  # noqa: E402
from app.store.cipher import DatabaseKey  # noqa: E402

log = logging.getLogger(__name__)

SERVICE = "Min Plan database key"
ENV_ALLOW_PLAINTEXT = "MINPLAN_ALLOW_PLAINTEXT_KEYRING"


class Protection(Enum):
    PROTECTED = "protected"
    UNPROTECTED = "unprotected"  # plaintext or weakly protected file
    SWITCHED_OFF = "switched off"  # keyring's null backend
    MISSING = "missing"  # keyring's fail backend


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(type(backend).priority)
    except Exception:  # a backend that cannot tell is not trusted
        return 0.0


def protection(backend: KeyringBackend) -> Protection:
    """How well ``backend`` keeps a secret."""
    module = type(backend).__module__
    if module == "keyring.backends.fail":
        return Protection.MISSING
    if module == "keyring.backends.null":
        return Protection.SWITCHED_OFF
    if (
        module.startswith("keyrings.alt")
        or "plaintext" in type(backend).__name__.lower()
        or _priority(backend) < 1
    ):
        return Protection.UNPROTECTED
    return Protection.PROTECTED


def backend_name(backend: KeyringBackend) -> str:
    try:
        return str(backend.name)
    except Exception:
        return type(backend).__name__


#: What a key store may raise besides ``KeyringError`` (an ``EncryptedKeyring`` asks for its own
#: password and raises ``ValueError`` on a wrong one; a backend without its crypto library raises
#: ``RuntimeError``; one without a terminal ``EOFError``; D-Bus trouble ``OSError``).
BACKEND_FAILURES = (keyring.errors.KeyringError, ValueError, RuntimeError, OSError, EOFError)


def current_backend() -> KeyringBackend:
    """keyring's configured backend, or ``KeyringUnavailable`` when it cannot even be loaded
    (``PYTHON_KEYRING_BACKEND`` naming a backend that is missing a library, say)."""
    try:
        return keyring.get_keyring()
    except Exception as exc:  # keyring raises whatever the backend's import or check raised
        raise KeyringUnavailable(
            "The key store chosen for Min Plan cannot be used ({reason}). Choose another one "
            "(PYTHON_KEYRING_BACKEND or keyring's configuration file) and check it with: "
            "minplan db keystore",
            reason=str(exc) or type(exc).__name__,
        ) from None


def plaintext_allowed() -> bool:
    return os.environ.get(ENV_ALLOW_PLAINTEXT, "").strip() == "1"


@dataclass(frozen=True)
class KeyStore:
    """A key store that Min Plan has agreed to use."""

    backend: KeyringBackend
    protected: bool

    @property
    def name(self) -> str:
        return backend_name(self.backend)

    def get(self, database_id: str) -> bytes | None:
        try:
            value = self.backend.get_password(SERVICE, database_id)
        except BACKEND_FAILURES as exc:
            raise KeyringUnavailable(
                "The key store ({backend}) could not be read: {reason}",
                backend=self.name,
                reason=str(exc),
            ) from exc
        if not value:
            return None
        try:
            return bytes.fromhex(value)
        except ValueError:
            log.warning("the key store entry for database %s is not a key", database_id)
            return None

    def put(self, key: DatabaseKey) -> None:
        """Store ``key`` and read it back: a key store that drops it silently is an error."""
        try:
            self.backend.set_password(SERVICE, key.database_id, key.key.hex())
        except BACKEND_FAILURES as exc:
            raise KeyringUnavailable(
                "The key store ({backend}) refused to keep the database key: {reason}",
                backend=self.name,
                reason=str(exc),
            ) from exc
        if self.get(key.database_id) != key.key:
            raise KeyringUnavailable(
                "The key store ({backend}) did not keep the database key", backend=self.name
            )
        log.info("database key %s stored in %s", key.database_id[:8], self.name)

    def delete(self, database_id: str) -> None:
        """Best effort (used to clean up after a failure): never raises."""
        try:
            self.backend.delete_password(SERVICE, database_id)
        except BACKEND_FAILURES:
            log.info("database key %s could not be removed", database_id[:8])


def _agreed(
    backend: KeyringBackend,
    levels: list[tuple[KeyringBackend, Protection]] | None = None,
    *,
    warn: bool = True,
) -> KeyStore | None:
    """The backend in ``backend`` (one, or keyring's chain of several) that Min Plan agrees to
    use: the first protecting one, else (where allowed) the first unprotected one; else None.
    ``warn``: say in the log that database keys would be kept unprotected."""
    levels = _levels(backend) if levels is None else levels
    for candidate, level in levels:
        if level is Protection.PROTECTED:
            return KeyStore(candidate, protected=True)
    unprotected = [c for c, level in levels if level is Protection.UNPROTECTED]
    if unprotected and plaintext_allowed():
        if warn:
            log.warning(
                "database keys kept in an unprotected key store (%s)", backend_name(backend)
            )
        return KeyStore(unprotected[0], protected=False)
    return None


def note_choice(backend: KeyringBackend) -> None:
    """Note for the next start the store of ``backend`` (keyring's choice) that ``open_store``
    would agree to, without using it now (the server password's search notes it too)."""
    store = _agreed(backend, warn=False)
    if store is not None:
        keystore_choice.remember(store.backend)


def _levels(backend: KeyringBackend) -> list[tuple[KeyringBackend, Protection]]:
    """Each backend of ``backend`` (one, or keyring's chain of several) with its protection."""
    chain = list(getattr(backend, "backends", None) or [backend])
    return [(candidate, protection(candidate)) for candidate in chain]


def open_remembered_store() -> KeyStore | None:
    """The key store keyring chose at an earlier start (``app.store.keystore_choice``), loaded
    without keyring's search and agreed to as ``open_store`` agrees to any; None where there is
    none to use (the caller then asks ``open_store``). Once a key was found in it, ``adopt``
    makes it keyring's choice for the rest of the process."""
    backend = keystore_choice.remembered()
    return None if backend is None else _agreed(backend)


def adopt(store: KeyStore) -> None:
    """``store`` becomes keyring's backend for this process (as a configured one would be), so
    that nothing after asks keyring to search again."""
    keyring.set_keyring(store.backend)


def open_store() -> KeyStore:
    """The key store to use, or ``KeyringUnavailable`` saying why not and how to fix it. The
    backend used is noted for the next start's first screen (``app.store.keystore_choice``)."""
    backend = current_backend()
    levels = _levels(backend)
    store = _agreed(backend, levels)
    if store is not None:
        keystore_choice.remember(store.backend)
        return store
    unprotected = [c for c, level in levels if level is Protection.UNPROTECTED]
    name = backend_name(unprotected[0] if unprotected else backend)
    if unprotected:
        raise KeyringUnavailable(
            "The key store {backend} keeps secrets in a plain file, so Min Plan will not put the "
            "database key there. Use the operating system's key store (Windows Credential Manager, "
            "the macOS Keychain, or on Linux a Secret Service such as GNOME Keyring or KWallet), or "
            "choose an unencrypted database explicitly with --no-encryption or "
            "MINPLAN_ENCRYPTION=off. On a test or batch machine whose disk is protected in another "
            "way, MINPLAN_ALLOW_PLAINTEXT_KEYRING=1 allows the plain file.",
            backend=name,
        )
    if any(level is Protection.SWITCHED_OFF for _c, level in levels):
        raise KeyringUnavailable(
            "The key store is switched off ({backend}), so a database key put there would be "
            "lost. Switch on the operating system's key store (Windows Credential Manager, the "
            "macOS Keychain, or on Linux a Secret Service such as GNOME Keyring or KWallet; "
            "PYTHON_KEYRING_BACKEND chooses one), or choose an unencrypted database explicitly "
            "with --no-encryption or MINPLAN_ENCRYPTION=off.",
            backend=name,
        )
    raise KeyringUnavailable(
        "No key store was found for the database key ({backend}). Start the operating system's "
        "key store (Windows Credential Manager, the macOS Keychain, or on Linux a Secret Service "
        "such as GNOME Keyring or KWallet; PYTHON_KEYRING_BACKEND chooses one), or choose an "
        "unencrypted database explicitly with --no-encryption or MINPLAN_ENCRYPTION=off.",
        backend=name,
    )
