"""A database on a network file system gets a clear warning (WAL needs a local disk)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.store import engine
from app.store.location import (
    network_filesystem,
    parse_mac_mount,
    parse_mountinfo,
    windows_network_kind,
)

MOUNTINFO = """\
22 1 259:2 / / rw,relatime shared:1 - ext4 /dev/nvme0n1p2 rw,errors=remount-ro
25 22 0:22 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
40 22 0:40 / /home/karen/H-drev rw,relatime shared:20 - cifs //fil01/home$/karen rw,vers=3.1.1
41 40 259:3 / /home/karen/H-drev/lokal rw,relatime shared:21 - ext4 /dev/sdb1 rw
42 22 0:41 / /mnt/nfs\\040share rw,relatime shared:22 - nfs4 fil02:/export rw,vers=4.2
43 22 0:42 / /mnt/ssh rw,nosuid,nodev,relatime shared:23 - fuse.sshfs karen@host: rw
"""


def table() -> str:
    return MOUNTINFO


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/karen/H-drev/minplan.db", "cifs"),
        ("/home/karen/H-drev/lokal/minplan.db", None),  # a local disk mounted inside the share
        ("/mnt/nfs share/data/minplan.db", "nfs4"),
        ("/mnt/ssh/minplan.db", "fuse.sshfs"),
        ("/home/karen/minplan.db", None),
        ("/home/karen/H-drevet/minplan.db", None),  # a prefix of the name is not the mount
    ],
)
def test_the_mount_table_tells_a_network_share(path: str, expected: str | None) -> None:
    assert network_filesystem(Path(path), platform="linux", mount_table=table) == expected


def test_mountinfo_and_mac_mount_output_are_read() -> None:
    assert ("/mnt/nfs share", "nfs4") in parse_mountinfo(MOUNTINFO)
    mac = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "//karen@fil01/home on /Volumes/home (smbfs, nodev, nosuid, mounted by karen)\n"
        "afp_3Jhd on /Volumes/Arkiv (afpfs, nodev, nosuid, mounted by karen)\n"
    )
    assert parse_mac_mount(mac)[1:] == [("/Volumes/home", "smbfs"), ("/Volumes/Arkiv", "afpfs")]
    assert (
        network_filesystem(
            Path("/Volumes/home/minplan.db"), platform="darwin", mount_table=lambda: mac
        )
        == "smbfs"
    )
    assert (
        network_filesystem(
            Path("/Users/karen/minplan.db"), platform="darwin", mount_table=lambda: mac
        )
        is None
    )


def test_windows_unc_paths_and_network_drives_are_told() -> None:
    def drive_type(root: str) -> int:
        return 4 if root.upper() == "H:\\" else 3  # H: is mapped; C: a fixed disk

    assert windows_network_kind(r"\\fil01\home$\karen\minplan.db", drive_type) == "UNC"
    assert windows_network_kind(r"H:\Min Plan\minplan.db", drive_type) == "network drive"
    assert windows_network_kind(r"C:\Users\karen\minplan.db", drive_type) is None


def test_the_command_line_warns_on_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(engine, "network_filesystem", lambda path: "cifs")
    assert main(["db", "upgrade", "--db", str(tmp_path / "share.db")]) == 0
    err = capsys.readouterr().err
    assert "Advarsel" in err and "netværksdrev (cifs)" in err and "lokal disk" in err
    monkeypatch.setattr(engine, "network_filesystem", lambda path: None)
    assert main(["db", "current", "--db", str(tmp_path / "share.db")]) == 0
    assert "netværksdrev" not in capsys.readouterr().err
