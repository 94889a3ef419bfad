"""SQLCipher 4 files: keys, keyed connections, what kind of file a path holds, recovery keys.

The key
    Every encrypted database has its own random 256-bit key, used as a *raw* key
    (``PRAGMA key = "x'<64 hex>…'"``): no passphrase, so no PBKDF2 on every open. The key is the
    first statement on every connection, after only ``PRAGMA cipher_log_level = NONE`` (so that a
    wrong key is not printed to stderr by the C library). It never appears in a URL, a file, a log
    line or a command line; it lives in the operating system's key store (``app.store.keystore``).

Finding the key for a file
    SQLCipher keeps a random, non-secret 16-byte *salt* as the first 16 bytes of the file. Min Plan
    chooses that salt itself when it creates a file (the 96-hex form ``x'<key><salt>'``), and keeps
    the key in the key store under the salt's hex digits, the *database id*. The key of a file is
    found again from the file's own first 16 bytes, not from its path, so:

    - a moved, renamed or copied file finds its key without any set-up;
    - backups are written with the same key and salt (SQLite's online backup API into a
      connection keyed ``x'<key><salt>'``), so a backup opens, and a restore works, with nothing new;
    - several databases (your own, the demo database, each test's) have separate entries;
    - a database carried to another computer or user account has no entry there:
      ``minplan db recover`` stores it again from the recovery key;
    - ``minplan db rekey`` and ``minplan db encrypt`` write a new file with a new salt and a new
      entry; the old entry stays, because backups made before still need it.

The recovery key
    The same 32 key bytes plus a 3-byte checksum, written in Crockford's base32 (no I, L, O or U)
    as 14 groups of four characters. It is shown once when a key is made; IT keeps it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import sqlcipher3.dbapi2 as dbapi2

from app.domain.errors import ValidationError

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KEY_BYTES = 32
#: Smallest SQLite page; an encrypted file is always a whole number of pages.
MIN_PAGE = 512
#: Environment variable that chooses unencrypted databases (``off``) for new files.
ENV_ENCRYPTION = "MINPLAN_ENCRYPTION"
_OFF = {"off", "0", "no", "false", "none"}


def encryption_wanted(explicit: bool | None = None) -> bool:
    """Encrypt new databases and refuse plaintext ones? ``--no-encryption`` gives ``False``;
    otherwise ``MINPLAN_ENCRYPTION=off`` turns it off; the default is on."""
    if explicit is not None:
        return explicit
    return os.environ.get(ENV_ENCRYPTION, "on").strip().lower() not in _OFF


@dataclass(frozen=True)
class DatabaseKey:
    """A raw 256-bit SQLCipher key and the salt of the file it belongs to."""

    key: bytes = field(repr=False)
    salt: bytes

    def __post_init__(self) -> None:
        if len(self.key) != KEY_BYTES or len(self.salt) != SALT_BYTES:
            raise ValueError("a database key is 32 bytes and its salt 16 bytes")

    @classmethod
    def generate(cls) -> DatabaseKey:
        return cls(secrets.token_bytes(KEY_BYTES), secrets.token_bytes(SALT_BYTES))

    @property
    def database_id(self) -> str:
        """The key store entry's name: the salt in hex (not secret)."""
        return self.salt.hex()

    def pragma(self) -> str:
        return f"PRAGMA key = \"x'{self.key.hex()}{self.salt.hex()}'\""


def short_id(database_id: str) -> str:
    """The first 8 hex digits, grouped, for people: ``3f2a-91bc``."""
    return f"{database_id[:4]}-{database_id[4:8]}"


class FileKind(Enum):
    MISSING = "missing"
    EMPTY = "empty"
    PLAINTEXT = "plaintext"
    ENCRYPTED = "encrypted"
    NOT_A_DATABASE = "not a database"


def file_kind(path: Path) -> FileKind:
    """What ``path`` holds, judged from its size and first 16 bytes (no key needed).

    An encrypted file cannot be told from random bytes; anything that is a whole number of
    SQLite pages and does not start with SQLite's plaintext header is taken to be encrypted.
    """
    if not path.exists():
        return FileKind.MISSING
    if not path.is_file():
        return FileKind.NOT_A_DATABASE
    size = path.stat().st_size
    if size == 0:
        return FileKind.EMPTY
    with path.open("rb") as handle:
        head = handle.read(SALT_BYTES)
    if head == SQLITE_HEADER:
        return FileKind.PLAINTEXT
    if size < MIN_PAGE or size % MIN_PAGE:
        return FileKind.NOT_A_DATABASE
    return FileKind.ENCRYPTED


def read_salt(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SALT_BYTES)


def apply_key(connection: dbapi2.Connection, key: DatabaseKey | None) -> None:
    """The first statements on a new connection: quiet cipher errors, then the key."""
    cursor = connection.cursor()
    try:
        cursor.execute("PRAGMA cipher_log_level = NONE")
        if key is not None:
            cursor.execute(key.pragma())
    finally:
        cursor.close()


def connect(
    path: Path, key: DatabaseKey | None, *, readonly: bool = False, timeout: float = 5.0
) -> dbapi2.Connection:
    """A plain DB-API connection (SQLCipher's) on ``path``, keyed when ``key`` is given."""
    if readonly:
        uri = Path(path).absolute().as_uri() + "?mode=ro"  # percent-encoded, also on Windows
        connection = dbapi2.connect(uri, uri=True, timeout=timeout)
    else:
        connection = dbapi2.connect(str(path), timeout=timeout)
    try:
        apply_key(connection, key)
    except BaseException:
        connection.close()
        raise
    return connection


def key_opens(path: Path, key: DatabaseKey | None) -> bool:
    """Does ``key`` (or no key, for a plaintext file) open the database at ``path``?"""
    try:
        connection = connect(path, key, readonly=True)
    except dbapi2.Error:
        return False
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except dbapi2.DatabaseError:
        return False
    finally:
        connection.close()


# --- recovery keys ------------------------------------------------------------------------------
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
_READ_AS = {"O": "0", "I": "1", "L": "1"}
_CHECK_BYTES = 3
_CHARS = (KEY_BYTES + _CHECK_BYTES) * 8 // 5  # 56


def _checksum(key: bytes) -> bytes:
    return hashlib.sha256(b"minplan-recovery-key" + key).digest()[:_CHECK_BYTES]


def recovery_key(key: DatabaseKey) -> str:
    """The key written for people: ``ABCD-EFGH-…`` (14 groups of 4)."""
    number = int.from_bytes(key.key + _checksum(key.key), "big")
    chars = []
    for _ in range(_CHARS):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    text = "".join(reversed(chars))
    return "-".join(text[i : i + 4] for i in range(0, _CHARS, 4))


def parse_recovery_key(text: str) -> bytes:
    """The 32 key bytes of a typed recovery key (spaces, dashes, case and O/I/L forgiven)."""
    cleaned = "".join(_READ_AS.get(c, c) for c in text.upper() if c not in " -\t\r\n")
    if len(cleaned) != _CHARS or any(c not in _ALPHABET for c in cleaned):
        raise ValidationError(
            "That is not a recovery key: it has 56 letters and digits in groups of four"
        )
    number = 0
    for char in cleaned:
        number = number * 32 + _ALPHABET.index(char)
    raw = number.to_bytes(KEY_BYTES + _CHECK_BYTES, "big")
    key, check = raw[:KEY_BYTES], raw[KEY_BYTES:]
    if _checksum(key) != check:
        raise ValidationError(
            "The recovery key has a typing error (its check digits do not match); please check it"
        )
    return key
