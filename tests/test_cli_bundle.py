"""``minplan import DIR [--dry-run]`` and ``minplan export DIR`` end to end: exit codes, the
``file:line: reason`` lines on stderr, the summary on stdout, and nothing written on errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.casework.bundle.format import FILE_NAMES
from app.casework.core.actor import first_admin_defaults
from app.cli import main
from app.store.engine import Database
from app.store.models import AuditEvent, Citizen

SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"


def cells_of(path: Path) -> list[dict]:
    """A bundle file's rows as typed values, whatever its delimiter, BOM or line ends."""
    from app.casework.bundle.format import SPECS
    from app.casework.bundle.reader import CsvTable, open_rows

    problems: list = []
    rows = [
        r.values for r in open_rows(CsvTable(path, path.name), SPECS[path.name], problems) or ()
    ]
    assert not problems, problems
    return rows


def citizens_and_events(db: Database) -> tuple[int, int]:
    with db.engine.connect() as conn:
        return (
            conn.execute(select(func.count()).select_from(Citizen)).scalar_one(),
            conn.execute(select(func.count()).select_from(AuditEvent)).scalar_one(),
        )


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README.txt"))
    spells = folder / "spells.csv"
    spells.write_text(
        spells.read_text(encoding="utf-8").replace("sygedagpenge", "sygepenge"), encoding="utf-8"
    )
    return folder


def test_import_with_errors_exits_2_names_every_problem_and_writes_nothing(
    db: Database, db_args: list[str], broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(broken), *db_args]) == 2
    out, err = capsys.readouterr()
    assert "spells.csv:4: target_group: Ukendt målgruppe 'sygepenge'" in err
    assert "1 problem; intet blev importeret" in err
    # Only the first user was written: whoever runs Min Plan on a new database is its admin.
    assert citizens_and_events(db) == (0, 1)


def test_errors_follow_the_chosen_language(
    db_args: list[str], broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(broken), *db_args, "--lang", "en"]) == 2
    assert "spells.csv:4: target_group: Unknown target group 'sygepenge'" in capsys.readouterr().err


def test_dry_run_then_import_then_export(
    db: Database, db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(SAMPLE), *db_args, "--dry-run"]) == 0
    assert "Kontrolleret, intet skrevet (tørkørsel): " in capsys.readouterr().out
    assert citizens_and_events(db) == (0, 0), "a dry run writes nothing, not even a first user"

    assert main(["import", str(SAMPLE), *db_args]) == 0
    assert capsys.readouterr().out.startswith("Importeret: ")
    assert citizens_and_events(db) == (4, 2)

    out_dir = tmp_path / "out"
    assert main(["export", str(out_dir), *db_args]) == 0
    assert capsys.readouterr().out.startswith(f"Eksporteret til {out_dir}: ")
    for name in FILE_NAMES:
        if name != "caseworkers.csv":
            assert cells_of(out_dir / name) == cells_of(SAMPLE / name), name
    initials, name = first_admin_defaults()
    admin = {"initials": initials, "name": name, "team": None, "role": "admin", "email": None,
             "phone": None}  # fmt: skip
    exported = cells_of(out_dir / "caseworkers.csv")
    sample = cells_of(SAMPLE / "caseworkers.csv")
    assert sorted(exported, key=str) == sorted([*sample, admin], key=str)


def test_export_refuses_a_folder_with_other_files_and_import_a_missing_folder(
    db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me", encoding="utf-8")
    assert main(["export", str(tmp_path / "mine"), *db_args]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]

    assert main(["import", str(tmp_path / "nowhere"), *db_args]) == 2
    assert "nowhere" in capsys.readouterr().err
