"""Typed errors raised by the domain and storage layers.

Messages are English gettext msgids with named placeholders; the UI and the CLI translate them
(``app.i18n.translate_error``), so the core stays free of any language machinery.
"""

from __future__ import annotations


class Term(str):
    """A message parameter that is itself a msgid (e.g. "target group"): translated with the message."""

    __slots__ = ()


class MinPlanError(Exception):
    """Base of all expected failures: shown to the user calmly, never as a traceback."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params) if params else message)
        self.message = message
        self.params = params


class ValidationError(MinPlanError):
    """Input that breaks a domain rule; nothing was changed."""

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message, **params)
        self.field = field


class ConflictError(MinPlanError):
    """Another session changed the record since it was read (optimistic locking).

    ``current`` holds the values now in the database and ``attempted`` the values the user tried
    to save, field by field, so a dialog can show both and let the user choose.
    """

    def __init__(
        self,
        message: str,
        *,
        current: dict[str, object] | None = None,
        attempted: dict[str, object] | None = None,
        current_version: int | None = None,
        **params: object,
    ) -> None:
        super().__init__(message, **params)
        self.current = current or {}
        self.attempted = attempted or {}
        self.current_version = current_version


class NotFoundError(MinPlanError):
    """The record asked for does not exist (or was deleted)."""


class DuplicateError(ValidationError):
    """The record exists already; ``existing_id`` lets the UI offer to open it instead."""

    def __init__(
        self, message: str, *, existing_id: int, field: str | None = None, **params: object
    ) -> None:
        super().__init__(message, field=field, **params)
        self.existing_id = existing_id


class PermissionDeniedError(MinPlanError):
    """The acting user's role does not allow this action."""


class DatabaseError(MinPlanError):
    """The database cannot be used: locked, corrupt, newer schema, unreachable."""


class LockedDatabaseError(DatabaseError):
    """Another program holds a write lock longer than we are willing to wait."""


class SchemaTooNewError(DatabaseError):
    """The database was upgraded by a newer Min Plan than this one."""


class DamagedDatabaseError(DatabaseError):
    """The database file failed its integrity check; ``backup`` is the newest good backup, if any."""

    def __init__(
        self, message: str, *, path: str, backup: str | None = None, **params: object
    ) -> None:
        if backup is not None:
            params["backup"] = backup
        super().__init__(message, path=path, **params)
        self.path = path
        self.backup = backup


class FileWriteError(MinPlanError):
    """A file could not be written (read-only folder, full disk, missing folder); nothing half-written
    was left behind."""


class KeyringUnavailable(DatabaseError):
    """No trustworthy key store for a database key: none found, switched off, or a plain file."""


class EncryptionKeyMissing(DatabaseError):
    """An encrypted database whose key is not in the key store (or does not open it)."""


class UnencryptedDatabaseError(DatabaseError):
    """A plaintext database met while encryption is on."""
