"""A first run and the usual mistakes without surprises (issue 16, line 5): the first import,
commands that fail before doing anything, no display, a closed pipe, the demo's users, help in
the user's language, a windowed program without a console."""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.casework.core import actor as actor_module
from app.cli import main
from app.cli import users as users_command
from app.store.engine import open_sqlite
from app.store.models import Caseworker

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "app" / "resources" / "sample-bundle"

pytestmark = pytest.mark.sqlite_only


def users_of(path: Path) -> dict[str, tuple[str, str | None]]:
    db = open_sqlite(path, create=False)
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(select(Caseworker.initials, Caseworker.role, Caseworker.login))
            return {initials: (role, login) for initials, role, login in rows}
    finally:
        db.dispose()


def test_a_first_import_that_holds_the_importer_makes_them_admin_from_the_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(actor_module, "os_user", lambda: "kl")
    path = tmp_path / "new.db"
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0, capsys.readouterr().err
    assert users_of(path) == {
        "KL": ("admin", "kl"),
        "OP": ("caseworker", None),
        "TL": ("teamlead", None),
    }
    # and KL, signed in by the login, may export: no extra user appears in the bundle
    out = tmp_path / "out"
    assert main(["export", str(out), "--db", str(path)]) == 0
    assert len((out / "caseworkers.csv").read_text(encoding="utf-8").splitlines()) == 4


def test_a_first_import_without_the_importer_adds_them_as_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(actor_module, "os_user", lambda: "zz")
    path = tmp_path / "new.db"
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0, capsys.readouterr().err
    assert users_of(path) == {
        "KL": ("caseworker", None),
        "OP": ("caseworker", None),
        "TL": ("teamlead", None),
        "ZZ": ("admin", "zz"),
    }


@pytest.mark.parametrize("what", ["home", "no-bundle", "missing"])
def test_an_import_of_what_is_not_a_bundle_makes_no_database_and_shows_no_key(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    folder = {"home": tmp_path, "no-bundle": tmp_path / "photos", "missing": tmp_path / "nope"}[
        what
    ]
    if what == "no-bundle":
        folder.mkdir()
        (folder / "holiday.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["--lang", "en", "import", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "not a bundle" in err or "is not a folder" in err
    assert "recovery key" not in err.lower()
    assert not (isolated_home / "data" / "minplan.db").exists()


def test_db_in_a_folder_that_does_not_exist_is_refused_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "typo" / "deeper" / "minplan.db"
    for command in (["import", str(SAMPLE)], ["demo", "--citizens", "5"], ["deadlines"]):
        assert main(["--lang", "en", *command, "--db", str(target)]) == 2
        assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "typo").exists()


def test_without_a_display_the_window_says_so_and_suggests_the_commands(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    for variable in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "Der er ingen skærm" in err and "minplan --help" in err
    assert not (isolated_home / "data" / "minplan.db").exists()
    monkeypatch.setenv("MINPLAN_LANG", "en")
    assert main([]) == 2
    assert "There is no display" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly(tmp_path: Path, subprocess_keyring: dict[str, str]) -> None:
    demo = tmp_path / "demo.db"
    command = [sys.executable, "-m", "app"]
    subprocess.run([*command, "demo", "--citizens", "150", "--db", str(demo)], env=subprocess_keyring,
                   check=True, capture_output=True)  # fmt: skip
    shell = f"{' '.join(command)} deadlines --format json --db {demo} | head -c 200 >/dev/null"
    done = subprocess.run(
        ["sh", "-c", shell], env=subprocess_keyring, capture_output=True, text=True
    )
    assert done.returncode == 0
    assert "BrokenPipe" not in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_broken_pipe_in_process_returns_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class ClosedPipe(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    [users] = users_command.COMMANDS
    printing = dataclasses.replace(users, run=lambda args: print("x" * 10) or 0)
    monkeypatch.setattr(users_command, "COMMANDS", (printing,))
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["users"]) == 0


def test_the_demo_names_its_users_and_commands_act_as_its_administrator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo.db"
    assert main(["--lang", "en", "demo", "--citizens", "10", "--db", str(demo)]) == 0
    out = capsys.readouterr().out
    assert "The demo's users (commands act as " in out and "(Administrator)" in out
    assert main(["--lang", "en", "users", "--db", str(demo)]) == 0
    listing = capsys.readouterr().out
    admin = next(line.split()[0] for line in listing.splitlines() if "(Administrator)" in line)
    assert "You are " in listing and f"({admin})." in listing
    # an export is for administrators: on the demo a command may do it without --user
    assert main(["export", str(tmp_path / "out"), "--db", str(demo)]) == 0
    capsys.readouterr()
    caseworker = next(line.split()[0] for line in listing.splitlines() if "(Caseworker)" in line)
    assert main(["--lang", "en", "export", str(tmp_path / "out2"), "--db", str(demo),
                 "--user", caseworker]) == 2  # fmt: skip
    assert "administrator" in capsys.readouterr().err


def test_help_is_danish_throughout_and_an_unknown_language_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("brug: minplan")
    assert "tilvalg:" in out and "vis denne hjælp og afslut" in out
    monkeypatch.setenv("MINPLAN_LANG", "fr")
    with pytest.raises(SystemExit):
        main(["--help"])
    captured = capsys.readouterr()
    assert "'fr'" in captured.err and "dansk" in captured.err.lower()
    assert captured.out.startswith("brug: minplan")
    with pytest.raises(SystemExit):
        main(["deadlines", "--format", "yaml"])
    assert "ugyldigt valg" in capsys.readouterr().err


def test_version_is_the_one_in_pyproject(capsys: pytest.CaptureFixture[str]) -> None:
    import tomllib

    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"Min Plan {wanted['version']}"


def test_a_windowed_program_without_console_streams_still_runs_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["demo", "--citizens", "5", "--db", str(tmp_path / "demo.db")]) == 0
    assert main(["users", "--db", str(tmp_path / "nowhere" / "x.db")]) == 2
    assert os.path.exists(tmp_path / "demo.db")


def test_db_keystore_checks_the_key_store_for_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--lang", "en", "db", "keystore"]) == 0  # the suite's in-memory key store
    assert capsys.readouterr().out.startswith("The key store works: ")
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring

    keyring.set_keyring(FailKeyring())
    assert main(["--lang", "en", "db", "keystore"]) == 2
    assert "No key store was found" in capsys.readouterr().err
