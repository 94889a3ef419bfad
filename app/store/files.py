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


def open_temporary(path: Path) -> BinaryIO:
    """Opens a temporary file for writing (the one seam tests use to simulate a full disk or a
    read-only folder)."""
    return path.open("wb")


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
