"""The CSV bundle: the sample imports, round trips are byte-identical, every bad row is named
as ``file:line: reason`` and leaves the database exactly as it was."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.casework.actor import Actor
from app.casework.bundle.exporter import export_bundle
from app.casework.bundle.format import FILE_NAMES
from app.casework.bundle.importer import import_bundle
from app.casework.demo_data import populate
from app.casework.plan import changes_since_last_print
from app.cli import main
from app.domain.errors import MinPlanError
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Citizen, Employment, metadata

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)


def counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder)
    return folder


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(folder: Path, name: str, line: str) -> None:
    with (folder / name).open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def test_the_sample_bundle_imports_with_plan_versions_and_one_audit_event(
    db: Database, actor: Actor
) -> None:
    report = import_bundle(db, actor, SAMPLE, today=TODAY)
    assert report.ok, report.error_lines()
    assert report.counts["citizens.csv"] == 4
    with transaction(db) as s:
        åse = s.exec(select(Citizen).where(Citizen.cpr == "0101901234")).scalar_one()
        assert (åse.first_name, åse.birth_date.isoformat()) == ("Åse", "1990-01-01")
        assert "åse ørsted" in åse.search_text
        smajob = s.exec(select(Employment).where(Employment.kind == "paid_hours")).scalar_one()
        assert smajob.hours_per_month == pytest.approx(20.02)
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "import")).scalars().all()
        assert len(events) == 1 and "Åse" not in (events[0].details or "")
    changes, printed = changes_since_last_print(db, åse.id)
    assert printed is None and changes  # version 1 exists: the first print shows the whole plan


def test_export_then_import_into_an_empty_database_then_export_is_identical(
    any_db: Database, actor: Actor, tmp_path: Path
) -> None:
    populate(any_db, actor, citizens=60, seed=11, as_of=TODAY)
    export_bundle(any_db, actor, tmp_path / "first")
    with any_db.engine.begin() as conn:  # empty the database, keeping the schema
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    report = import_bundle(any_db, actor, tmp_path / "first", today=TODAY)
    assert report.ok, report.error_lines()[:5]
    export_bundle(any_db, actor, tmp_path / "second")
    for name in FILE_NAMES:
        assert (tmp_path / "first" / name).read_bytes() == (
            tmp_path / "second" / name
        ).read_bytes(), name


def test_spreadsheet_dialects_are_accepted(db: Database, actor: Actor, bundle: Path) -> None:
    """Semicolons, a byte-order mark, dd-mm-yyyy dates and ja/nej, as Danish Excel writes them."""
    text = (
        (bundle / "citizens.csv")
        .read_text(encoding="utf-8")
        .replace(",", ";")
        .replace(";no;", ";nej;")
    )
    (bundle / "citizens.csv").write_bytes("\ufeff".encode() + text.encode("utf-8"))
    edit(bundle, "spells.csv", "2026-08-17", "17-08-2026")
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert report.ok, report.error_lines()


BAD_ROWS = [
    # (file, old text, new text, expected line, expected words in the Danish reason)
    ("citizens.csv", "0707854321", "0707854322x", 3, "cpr"),
    ("citizens.csv", "0707854321", "3102901234", 3, "fødselsdato"),
    ("spells.csv", "sygedagpenge", "sygepenge", 4, "Ukendt målgruppe 'sygepenge'"),
    ("spells.csv", "2025-09-01,2026-02-28", "2026-09-01,2026-02-28", 2, "før startdato"),
    ("spells.csv", "2026-03-03", "2026-02-01", 3, "overlapper"),
    (
        "spells.csv",
        "1503901234,integration",
        "1111111118,integration",
        5,
        "Ingen borger med CPR-nummer",
    ),
    ("offers.csv", "29074836", "29074837", 3, "kontrolciffer"),
    ("offers.csv", "29074836", "12345674", 3, "Ingen virksomhed med CVR-nummer 12345674"),
    ("offers.csv", "virksomhedspraktik", "praktik", 3, "Ukendt tilbudstype"),
    ("conversations.csv", ",KL,Første", ",XY,Første", 2, "Ingen sagsbehandler med initialerne XY"),
    ("conversations.csv", "2026-03-05T10:00", "05.03.2026 kl 10", 2, "scheduled_at"),
    ("milestones.csv", "done,2026-03-28", "planned,2026-03-28", 2, "Kun et nået delmål"),
    ("employment.csv", "2026-11-01,,4.62", "2026-11-01,2026-10-01,4.62", 2, "før startdato"),
    ("caseworkers.csv", "OP,Ole", "KL,Ole", 3, "to gange"),
    ("companies.csv", "employees", "employees,size", 1, "Ukendt kolonne 'size'"),
    ("recruitment_orders.csv", "3,open,", "3,open,2026-11-20", 2, "åben ordre"),
    ("company_contacts.csv", "visit,KL,yes", "visit,KL,maybe", 2, "ja eller nej"),
    ("journal.csv", "0707854321,2026-09-28,OP,", "0707854321,,OP,", 3, "written_on"),
]


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "words"), BAD_ROWS, ids=[f"{r[0]}:{r[4]}" for r in BAD_ROWS]
)
def test_a_bad_row_is_named_and_nothing_is_written(
    db: Database, actor: Actor, bundle: Path, name: str, old: str, new: str, line: int, words: str
) -> None:
    edit(bundle, name, old, new)
    before = counts(db)
    report = import_bundle(db, actor, bundle, today=TODAY)
    assert not report.ok
    lines = report.error_lines()
    assert any(
        entry.startswith(f"{name}:{line}: ") and words.lower() in entry.lower() for entry in lines
    ), lines
    assert counts(db) == before
    assert "intet blev importeret" in report.summary()


def test_a_citizen_already_in_the_database_is_a_duplicate(db: Database, actor: Actor) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    before = counts(db)
    report = import_bundle(db, actor, SAMPLE, today=TODAY)
    assert any("citizens.csv:2: " in e and "findes allerede" in e for e in report.error_lines())
    assert counts(db) == before


def test_unknown_file_bad_encoding_and_ragged_rows(
    db: Database, actor: Actor, bundle: Path
) -> None:
    (bundle / "citizen.csv").write_text("cpr\n", encoding="utf-8")
    (bundle / "journal.csv").write_bytes(
        "cpr,written_on,caseworker,text\n0101901234,2026-03-05,KL,\xe6ble\n".encode("latin-1")
    )
    append(bundle, "plans.csv", "2412992222,Kok")
    report = import_bundle(db, actor, bundle, today=TODAY)
    lines = report.error_lines()
    assert any(e.startswith("citizen.csv:1: Ukendt fil") for e in lines), lines
    assert any(e.startswith("journal.csv:2: ") and "UTF-8" in e for e in lines), lines
    assert any(e.startswith("plans.csv:5: ") and "2 celler" in e for e in lines), lines


def test_dry_run_checks_everything_and_writes_nothing(db: Database, actor: Actor) -> None:
    before = counts(db)
    report = import_bundle(db, actor, SAMPLE, dry_run=True, today=TODAY)
    assert report.ok and not report.written
    assert "tørkørsel" in report.summary()
    assert counts(db) == before


def test_export_refuses_a_folder_with_other_files(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(MinPlanError):
        export_bundle(db, actor, tmp_path)
    assert not (tmp_path / "citizens.csv").exists()


def test_cli_import_and_export(tmp_path: Path, bundle: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "cli.db"
    edit(bundle, "spells.csv", "sygedagpenge", "sygepenge")
    assert main(["import", str(bundle), "--db", str(path)]) == 1
    err = capsys.readouterr().err
    assert "spells.csv:4: " in err
    assert main(["import", str(SAMPLE), "--db", str(path), "--dry-run"]) == 0
    assert main(["import", str(SAMPLE), "--db", str(path)]) == 0
    assert "Importeret" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "out"), "--db", str(path)]) == 0
    assert (tmp_path / "out" / "citizens.csv").read_text(encoding="utf-8") == (
        SAMPLE / "citizens.csv"
    ).read_text(encoding="utf-8")
