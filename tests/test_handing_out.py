"""Commands that hand out the database are for administrators (issue 15, line 6): ``backup --to``,
``audit key export`` and ``audit purge`` check the role and are logged; what they write is
owner-only (0600), never written through a symbolic link, and atomic."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.cli import main
from app.store import files
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker
from tests.conftest import cli_args

pytestmark = pytest.mark.sqlite_only  # the file, its copies and its key (a server: pg_dump)


@pytest.fixture
def office(db: Database) -> Database:
    with transaction(db) as s:
        s.add(Caseworker(initials="AA", name="Anna Admin", role="admin", login="anna"))
        s.add(Caseworker(initials="KL", name="Karen Lund", role="caseworker", login="karen"))
    return db


def login(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: name)


def actions(db: Database) -> list[tuple[str, str | None]]:
    with transaction(db) as s:
        rows = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        return [(e.action, e.user_initials) for e in rows]


def private(path: Path) -> bool:
    mode = path.lstat().st_mode
    return stat.S_ISREG(mode) and stat.S_IMODE(mode) == 0o600


@pytest.mark.parametrize(
    "command",
    [
        ["backup", "--to", "{tmp}/copies"],
        ["audit", "key", "export", "--out", "{tmp}/copies/key"],
        ["audit", "purge"],
    ],
    ids=["backup-to", "key-export", "purge"],
)
def test_a_caseworker_may_not_hand_out_the_database(
    office: Database, monkeypatch, capsys, tmp_path: Path, command: list[str]
) -> None:
    login(monkeypatch, "karen")
    before = actions(office)
    argv = [part.replace("{tmp}", str(tmp_path)) for part in command]
    assert main([*argv, *cli_args(office)]) == 2
    err = capsys.readouterr().err
    assert "administrator" in err and "Traceback" not in err
    assert not (tmp_path / "copies").exists() or not any((tmp_path / "copies").iterdir())
    assert actions(office) == before


def test_an_administrators_backup_copy_is_owner_only_and_logged(
    office: Database, monkeypatch, tmp_path: Path
) -> None:
    login(monkeypatch, "anna")
    old_umask = os.umask(0o022)  # a usual umask would give 0644
    try:
        assert main(["backup", "--to", str(tmp_path / "copies"), *cli_args(office)]) == 0
    finally:
        os.umask(old_umask)
    [copy] = (tmp_path / "copies").iterdir()
    assert private(copy)
    assert actions(office)[-1] == ("backup", "AA")


def test_the_access_log_key_is_exported_owner_only_and_logged(
    office: Database, monkeypatch, tmp_path: Path
) -> None:
    login(monkeypatch, "anna")
    out = tmp_path / "key"
    assert main(["audit", "key", "export", "--out", str(out), *cli_args(office)]) == 0
    assert private(out) and out.read_text(encoding="ascii").startswith("minplan-audit-key v1 ")
    assert actions(office)[-1] == ("export_audit_key", "AA")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "no temporary file left"


def test_an_export_never_writes_through_a_symbolic_link(
    office: Database, monkeypatch, tmp_path: Path
) -> None:
    login(monkeypatch, "anna")
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file", encoding="utf-8")
    out = tmp_path / "key"
    out.symlink_to(victim)
    assert main(["audit", "key", "export", "--out", str(out), *cli_args(office)]) == 0
    assert victim.read_text(encoding="utf-8") == "someone else's file"
    assert private(out), "the link was replaced by a file of our own, not followed"


def test_a_temporary_file_planted_as_a_link_is_refused(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    target = tmp_path / "plan.pdf"
    files.temporary_path(target).symlink_to(victim)
    with pytest.raises(files.FileWriteError):
        files.write_atomically(target, b"%PDF")
    assert victim.read_text(encoding="utf-8") == "keep" and not target.exists()


def test_an_export_replaces_an_existing_readable_file_with_a_private_one(tmp_path: Path) -> None:
    target = tmp_path / "plan.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    files.write_atomically(target, b"%PDF")
    assert private(target) and target.read_bytes() == b"%PDF"


def test_an_administrator_purges_and_it_is_logged(office: Database, monkeypatch) -> None:
    login(monkeypatch, "anna")
    assert main(["audit", "purge", *cli_args(office)]) == 0  # nothing due: nothing deleted
