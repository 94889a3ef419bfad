"""Who you are comes from the operating system's account, not from environment variables
(issue 15, line 4): ``LOGNAME=<admin> minplan export …`` must not act as the administrator."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from app.casework.core.actor import os_user
from app.casework.core.sign_in import resolve_actor
from app.cli import main
from app.domain import users as users_module
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from tests.conftest import ROOT, cli_args

IDENTITY_VARS = ("LOGNAME", "USER", "USERNAME", "LNAME")


def pretend_to_be(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    for var in IDENTITY_VARS:
        monkeypatch.setenv(var, login)


@pytest.fixture
def admin_ad(db: Database) -> Database:
    """A real (not demo) database whose administrator logs in as "ad"; the test process's own
    account is not a user of it."""
    assert pwd.getpwuid(os.getuid()).pw_name != "ad"
    with transaction(db) as s:
        s.add(Caseworker(initials="AD", name="Anders Dal", role="admin", login="ad"))
    return db


def test_the_login_is_the_process_account_whatever_the_environment_says(monkeypatch) -> None:
    pretend_to_be(monkeypatch, "ad")
    assert os_user() == pwd.getpwuid(os.getuid()).pw_name


def test_windows_asks_the_windows_api(monkeypatch) -> None:
    monkeypatch.setattr(users_module.sys, "platform", "win32")
    monkeypatch.setattr(users_module, "_windows_user", lambda: "JC\\mj01")
    pretend_to_be(monkeypatch, "ad")
    assert os_user() == "JC\\mj01"


def test_an_administrators_login_in_the_environment_is_refused(admin_ad, monkeypatch) -> None:
    pretend_to_be(monkeypatch, "ad")
    with transaction(admin_ad) as s, pytest.raises(PermissionDeniedError) as refused:
        resolve_actor(s)
    assert refused.value.params["login"] == pwd.getpwuid(os.getuid()).pw_name


def test_the_cli_refuses_an_export_as_the_administrator_by_logname(
    admin_ad, monkeypatch, capsys, tmp_path: Path
) -> None:
    pretend_to_be(monkeypatch, "ad")
    out = tmp_path / "out"
    assert main(["export", str(out), *cli_args(admin_ad)]) == 2
    err = capsys.readouterr().err
    assert "ikke bruger af denne database" in err and "Traceback" not in err
    assert not out.exists() or not any(out.iterdir())
    # --user names nobody else on a real database either
    assert main(["export", str(out), "--user", "AD", *cli_args(admin_ad)]) == 2


@pytest.mark.sqlite_only
def test_a_child_process_with_logname_set_is_refused(
    admin_ad, subprocess_keyring, tmp_path: Path
) -> None:
    env = {**subprocess_keyring, **dict.fromkeys(IDENTITY_VARS, "ad"), "MINPLAN_LANG": "en"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "tests")])
    done = subprocess.run(
        [sys.executable, "-m", "app", "export", str(tmp_path / "out"), *cli_args(admin_ad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert "not a user of this database" in done.stderr and "Traceback" not in done.stderr
