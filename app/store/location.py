"""Is a database path on a network file system? SQLite's WAL mode needs a local disk.

WAL keeps a shared-memory index (``-shm``) that works only between processes on one computer,
and network file systems do not honour SQLite's locks reliably; a database on a network share
can be damaged. Min Plan warns (it does not refuse: a share may be what an office has today).

- Linux: the mount table ``/proc/self/mountinfo`` (file system type of the longest mount point
  that holds the path): nfs, nfs4, cifs, smb3, smbfs, fuse.sshfs, 9p and others below.
- Windows: a UNC path (``\\\\server\\share``) or a drive letter that Windows reports as a network
  drive (``GetDriveTypeW`` = ``DRIVE_REMOTE``).
- macOS: the output of ``mount`` (smbfs, afpfs, nfs, webdav).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path, PureWindowsPath

NETWORK_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "afpfs",
        "webdav",
        "davfs",
        "9p",
        "afs",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "ncpfs",
        "coda",
        "fuse.sshfs",
        "fuse.glusterfs",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.davfs",
        "fuse.cephfs",
    }
)
DRIVE_REMOTE = 4
_OCTAL = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    return _OCTAL.sub(lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[tuple[str, str]]:
    """``(mount point, file system type)`` pairs from ``/proc/self/mountinfo``."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5 or not right.split():
            continue
        mounts.append((_unescape(fields[4]), right.split()[0]))
    return mounts


_MAC_MOUNT = re.compile(r"^.+? on (?P<point>/.*?) \((?P<type>[\w.-]+)")


def parse_mac_mount(text: str) -> list[tuple[str, str]]:
    """``(mount point, file system type)`` pairs from macOS ``mount`` output."""
    return [
        (m.group("point"), m.group("type"))
        for m in (_MAC_MOUNT.match(line) for line in text.splitlines())
        if m
    ]


def _containing_mount(path: str, mounts: Iterable[tuple[str, str]]) -> str | None:
    best, best_type = "", None
    for point, fstype in mounts:
        prefix = point.rstrip("/") + "/"
        if (path == point or path.startswith(prefix) or point == "/") and len(point) >= len(best):
            best, best_type = point, fstype
    return best_type


def _resolved(path: Path) -> Path:
    """Symbolic links followed as far as the path exists (the rest may be made later)."""
    return path.expanduser().absolute().resolve()


def _read_mountinfo() -> str:
    try:
        return Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _read_mac_mounts() -> str:
    try:
        return subprocess.run(
            ["/sbin/mount"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _windows_drive_type(root: str) -> int:
    import ctypes

    return int(ctypes.windll.kernel32.GetDriveTypeW(root))  # type: ignore[attr-defined]  # Windows-only API; mypy checks as on Linux


def windows_network_kind(
    path: str, drive_type: Callable[[str], int] = _windows_drive_type
) -> str | None:
    """``"UNC"`` or ``"network drive"`` for a Windows path on the network, else None."""
    drive = PureWindowsPath(path).drive
    if drive.startswith(("\\\\", "//")):
        return "UNC"
    if drive and drive_type(drive + "\\") == DRIVE_REMOTE:
        return "network drive"
    return None


def network_filesystem(
    path: Path,
    *,
    platform: str = sys.platform,
    mount_table: Callable[[], str] | None = None,
) -> str | None:
    """The network file system type holding ``path`` (``"nfs4"``, ``"UNC"``, …), or None."""
    if platform == "win32":
        return windows_network_kind(str(os.path.abspath(path)))
    where = str(_resolved(path))
    if platform == "darwin":
        mounts = parse_mac_mount((mount_table or _read_mac_mounts)())
    else:
        mounts = parse_mountinfo((mount_table or _read_mountinfo)())
    fstype = _containing_mount(where, mounts)
    if fstype and (fstype in NETWORK_TYPES or fstype.split(".")[0] in NETWORK_TYPES):
        return fstype
    return None
