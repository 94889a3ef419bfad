"""Writing files so that a failure leaves nothing half-written.

Every export (PDF, XLSX, CSV, .ics, the CSV bundle) and every backup is written to a temporary file
beside its target and renamed into place only when it is complete and flushed to disk, so a full
disk, a read-only folder or a crash leaves either the old file or the new one, never a torn one.
Operating-system failures become ``FileWriteError`` with a message the user can act on.
"""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from app.domain.errors import FileWriteError

log = logging.getLogger(__name__)

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


def temporary_path(path: Path) -> Path:
    """The hidden file beside ``path`` that is written first (one per process)."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def file_error(exc: OSError, path: Path) -> FileWriteError:
    """A calm, translatable message for an operating-system failure while writing ``path``."""
    if exc.errno in _FULL:
        return FileWriteError(
            "The disk is full; {path} was not written. Free some space and try again.",
            path=str(path),
        )
    if exc.errno in _DENIED:
        return FileWriteError(
            "Cannot write {path}: the folder is read-only or you may not write there",
            path=str(path),
        )
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return FileWriteError(
            "Cannot write {path}: the folder does not exist", path=str(path.parent)
        )
    return FileWriteError(
        "Cannot write {path}: {reason}", path=str(path), reason=exc.strerror or str(exc)
    )


#: Every file Min Plan hands out holds personal data (or a key): only its owner may read it.
PRIVATE_MODE = 0o600


def _private_descriptor(path: Path, flags: int) -> int:
    """``os.open`` for writing with owner-only permissions, never following a symbolic link (a
    link planted where the file goes fails with ELOOP instead of writing to the link's target)."""
    flags |= os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags, PRIVATE_MODE)
    if hasattr(os, "fchmod"):  # an existing file keeps its mode on open: make it private too
        try:
            os.fchmod(descriptor, PRIVATE_MODE)
        except OSError:
            os.close(descriptor)
            raise
    return descriptor


def open_temporary(path: Path) -> BinaryIO:
    """Opens a temporary file for writing, owner-only (0600) and never through a symbolic link
    (the one seam tests use to simulate a full disk or a read-only folder). It takes the final
    name with ``os.replace``, which replaces a link at that name instead of following it."""
    return os.fdopen(_private_descriptor(path, os.O_TRUNC), "wb")


def create_private(path: Path) -> None:
    """Make ``path`` a new empty file only its owner may read (for a copy another library writes
    into, such as SQLite's backup); fails if anything, a link included, is there already."""
    os.close(_private_descriptor(path, os.O_EXCL))


@contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A binary file handle whose content replaces ``path`` only if the block completes.

    Any failure (an ``OSError`` or an error raised inside the block) removes the temporary file and
    leaves ``path`` as it was; ``OSError`` is turned into ``FileWriteError``.
    """
    temporary = temporary_path(path)
    try:
        with open_temporary(temporary) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            log.warning("could not remove the temporary file %s", temporary)
        if isinstance(exc, OSError):
            raise file_error(exc, path) from exc
        raise


def write_atomically(path: Path, content: bytes) -> Path:
    """``content`` into ``path`` all at once (or not at all); returns ``path``."""
    with atomic_file(path) as handle:
        handle.write(content)
    return path


def make_folder(folder: Path) -> Path:
    """``mkdir -p`` with a translated error."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_error(exc, folder) from exc
    return folder
