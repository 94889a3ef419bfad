"""The packaging files agree with each other and with what IT was promised: one version number
(pyproject), two Windows programs, an installer that installs per machine, cleans up on upgrade
and has an icon. (The Windows build itself runs on a Windows runner: .github/workflows.)"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.version import version, windows_version

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]


def test_one_version_number_everywhere() -> None:
    wanted = pyproject_version()
    assert version() == wanted
    metainfo = ET.parse(PACKAGING / "linux" / "dk.minplan.MinPlan.metainfo.xml").getroot()
    newest = metainfo.find("releases/release")
    assert newest is not None and newest.get("version") == wanted, "add a <release> for it"
    iss = (PACKAGING / "windows" / "minplan.iss").read_text(encoding="utf-8")
    assert wanted not in iss, "the installer reads the version from minplan.exe"
    assert "GetStringFileInfo(" in iss and '"ProductVersion"' in iss
    assert windows_version("1.2.3") == (1, 2, 3, 0) and windows_version("2.0") == (2, 0, 0, 0)


def test_the_spec_builds_a_console_and_a_windowed_program() -> None:
    spec = (PACKAGING / "minplan.spec").read_text(encoding="utf-8")
    assert re.search(r'name="minplan", console=True', spec)
    assert re.search(r'name="Min Plan", console=False', spec)  # on Windows and macOS
    assert 'copy_metadata("keyring")' in spec and "keyring.backends" in spec
    assert '"PySide6.QtQuick"' not in spec or "QT_UNUSED" in spec


def test_the_installer_is_per_machine_cleans_up_and_has_an_icon() -> None:
    iss = (PACKAGING / "windows" / "minplan.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=admin" in iss
    assert re.search(r"PrivilegesRequiredOverridesAllowed=.*commandline", iss)
    assert re.search(
        r'\[InstallDelete\]\s*\n(;.*\n)*Type: filesandordirs; Name: "\{app\}\\_internal"', iss
    )
    assert "SetupIconFile=minplan.ico" in iss and "Uninstallable=yes" in iss
    assert "VersionInfoVersion={#AppVersion}" in iss
    assert 'Parameters: "db keystore"' in iss and "runasoriginaluser" in iss
    icon = (PACKAGING / "windows" / "minplan.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", icon[:6])
    assert (reserved, kind) == (0, 1) and count >= 4  # 16, 32, 48 and 256 pixels


def test_the_windows_workflow_builds_tests_and_installs_silently() -> None:
    flow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    for step in ("pyinstaller", "smoke_test.py", "iscc", "/VERYSILENT", "unins000.exe", "signtool"):
        assert step in flow, step


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils missing")
def test_the_linux_desktop_entry_is_valid() -> None:
    entry = PACKAGING / "linux" / "dk.minplan.MinPlan.desktop"
    done = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.skipif(not shutil.which("appstreamcli"), reason="appstream missing")
def test_the_appstream_metainfo_is_valid() -> None:
    info = PACKAGING / "linux" / "dk.minplan.MinPlan.metainfo.xml"
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", "--pedantic", str(info)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
