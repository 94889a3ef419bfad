"""The bundle survives a spreadsheet (issue 16, line 4) and the import's edge cases (issue 15,
line 7): encodings Danish Excel writes, CPR numbers without their leading zero, the bundle as
one workbook, files that are no bundle files, odd dates and characters, streamed reading."""

from __future__ import annotations

import os
import shutil
import threading
import tracemalloc
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.casework.bundle import source
from app.casework.bundle.exporter import export_bundle
from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.cli import main
from app.demo.data import populate
from app.store.engine import Database, transaction
from app.store.models import Citizen, JournalNote, metadata

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "app" / "resources" / "sample-bundle"
TODAY = date(2026, 11, 23)
HEADER = "cpr;first_name;last_name;address\r\n"


@pytest.fixture
def english() -> None:
    from app import i18n

    i18n.set_language("en")


@pytest.fixture
def actor(db: Database) -> Actor:
    return Actor(None, None, None, "admin", "test")


def folder_with(tmp_path: Path, **files: bytes) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.csv").write_bytes(data)
    return folder


def names(db: Database) -> list[tuple[str, str, str]]:
    with transaction(db) as s:
        rows = s.execute(select(Citizen.cpr, Citizen.first_name, Citizen.last_name)).all()
    return sorted(tuple(r) for r in rows)


# --- encodings -----------------------------------------------------------------------------
def test_danish_excels_semicolon_csv_in_windows_1252_is_read_and_named(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    text = HEADER + "150390-1234;Åse;Ørsted;Bøgevej 7\r\n"
    folder = folder_with(tmp_path, citizens=text.encode("cp1252"))
    report = import_bundle(db, actor, folder, today=TODAY)
    assert report.ok, report.error_lines()
    assert names(db) == [("1503901234", "Åse", "Ørsted")]
    assert report.encoding_lines() == ["Read as Windows-1252: citizens.csv"]


@pytest.mark.parametrize(("bom", "label"), [(b"\xef\xbb\xbf", "UTF-8 with BOM"), (b"", "UTF-8")])
def test_utf8_with_or_without_bom_is_read_and_named(
    db: Database, actor: Actor, tmp_path: Path, english: None, bom: bytes, label: str
) -> None:
    folder = folder_with(tmp_path, citizens=bom + (HEADER + "150390-1234;Åse;Ørsted;\r\n").encode())
    report = import_bundle(db, actor, folder, today=TODAY)
    assert report.ok and report.encodings == {"citizens.csv": label}
    assert names(db) == [("1503901234", "Åse", "Ørsted")]


def test_the_cli_says_which_encoding_it_used(
    db_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = folder_with(
        tmp_path, citizens=(HEADER + "150390-1234;Åse;Ørsted;\r\n").encode("cp1252")
    )
    assert main(["import", str(folder), *db_args]) == 0
    assert "Læst som Windows-1252: citizens.csv" in capsys.readouterr().out


def test_mojibake_is_refused_with_its_cause(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    garbled = "Åse Ørsted".encode().decode("cp1252").split()  # UTF-8 read as Windows-1252
    text = HEADER + f"150390-1234;{garbled[0]};{garbled[1]};\r\n"
    folder = folder_with(tmp_path, citizens=text.encode("utf-8"))
    report = import_bundle(db, actor, folder, today=TODAY)
    [line] = report.error_lines()
    assert line.startswith("citizens.csv:2: The text is garbled by a wrong encoding ('Ã…'")
    assert names(db) == []


# --- CPR numbers without their leading zero -------------------------------------------------
def test_a_cpr_number_that_lost_its_leading_zero_is_refused_naming_cause_and_fix(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    folder = folder_with(tmp_path, citizens=(HEADER + "101901234;Åse;Ørsted;\r\n").encode())
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert line == (
        "citizens.csv:2: cpr: '101901234' has 9 digits: a spreadsheet dropped the leading zero "
        "of 010190-1234. Format the CPR column as text before saving, or import with "
        "--fix-leading-zeros"
    )
    assert names(db) == []


def test_fix_leading_zeros_repairs_them_when_asked(
    db_args: list[str], db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spells = "cpr;target_group;start\r\n101901234;dagpenge;2026-01-05\r\n"
    folder = folder_with(
        tmp_path, citizens=(HEADER + "101901234;Åse;Ørsted;\r\n").encode(), spells=spells.encode()
    )
    assert main(["import", str(folder), *db_args, "--fix-leading-zeros"]) == 0, capsys.readouterr()
    assert names(db) == [("0101901234", "Åse", "Ørsted")]
    # nine digits that would not be a CPR number with a zero stay an error
    other = folder_with(tmp_path / "x", citizens=(HEADER + "991901234;Bo;Berg;\r\n").encode())
    assert main(["import", str(other), *db_args, "--fix-leading-zeros", "--lang", "en"]) == 2
    assert "must have 10 digits" in capsys.readouterr().err


# --- one workbook ----------------------------------------------------------------------------
def test_the_bundle_as_one_workbook_round_trips_with_text_cpr_and_date_cells(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    populate(db, actor, citizens=40, seed=5, as_of=TODAY)
    export_bundle(db, actor, tmp_path / "first")
    report = export_bundle(db, actor, tmp_path / "bundle.xlsx")
    assert report.counts["citizens.csv"] == 40

    book = load_workbook(tmp_path / "bundle.xlsx")
    assert book.sheetnames[:3] == ["caseworkers", "companies", "citizens"]
    citizens = book["citizens"]
    cpr = citizens["A2"]
    assert cpr.data_type == "s" and cpr.number_format == "@" and len(cpr.value) == 10
    spells = book["spells"]
    assert isinstance(spells["C2"].value, datetime) and spells["C2"].number_format == "yyyy-mm-dd"
    # a caseworker edits a name in the spreadsheet and saves
    citizens["B2"] = "Ærtebjørn"
    book.save(tmp_path / "edited.xlsx")

    with db.engine.begin() as conn:  # empty the database, keeping the schema
        for table in reversed(metadata.sorted_tables):
            if not table.name.startswith("audit_"):
                conn.execute(table.delete())
    imported = import_bundle(db, actor, tmp_path / "bundle.xlsx", today=TODAY)
    assert imported.ok, imported.error_lines()[:5]
    export_bundle(db, actor, tmp_path / "second")
    for name in os.listdir(tmp_path / "first"):
        first = (tmp_path / "first" / name).read_bytes()
        assert (tmp_path / "second" / name).read_bytes() == first, name

    with db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if not table.name.startswith("audit_"):
                conn.execute(table.delete())
    assert import_bundle(db, actor, tmp_path / "edited.xlsx", today=TODAY).ok
    with transaction(db) as s:
        assert s.execute(select(Citizen).where(Citizen.first_name == "Ærtebjørn")).first()


def test_a_workbook_with_a_numeric_cpr_cell_is_refused_naming_the_zero(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "citizens"
    sheet.append(["cpr", "first_name", "last_name"])
    sheet.append([101901234, "Åse", "Ørsted"])  # what Excel makes of 0101901234 typed as a number
    book.save(tmp_path / "b.xlsx")
    [line] = import_bundle(db, actor, tmp_path / "b.xlsx", today=TODAY).error_lines()
    assert line.startswith("b.xlsx[citizens]:2: cpr: '101901234' has 9 digits")


def test_export_of_every_kind_follows_the_one_csv_convention(
    db: Database,
    actor: Actor,
    db_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    populate(db, actor, citizens=20, seed=2, as_of=TODAY)
    export_bundle(db, actor, tmp_path / "bundle")
    data = (tmp_path / "bundle" / "employment.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfcpr;kind;") and b"\r\n" in data
    main(["deadlines", "--format", "csv", "--as-of", "2026-11-23", *db_args])
    out = capsys.readouterr().out
    assert out.startswith("\ufeffcpr;") and "\r\n" in out
    main(["indicators", "--plan", "herlev-2024", "--period", "2025", "--format", "csv",
          "--out", str(tmp_path / "i.csv"), *db_args])  # fmt: skip
    assert (tmp_path / "i.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert b";" in (tmp_path / "i.csv").read_bytes().splitlines()[0]


# --- files that are not bundle files (issue 15, line 7) --------------------------------------
def test_two_files_whose_names_differ_only_in_case_are_refused(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    folder = folder_with(tmp_path, citizens=(HEADER + "150390-1234;Åse;Ørsted;\r\n").encode())
    (folder / "Citizens.csv").write_bytes((HEADER + "010190-1234;Bo;Berg;\r\n").encode())
    if len(list(folder.iterdir())) < 2:
        pytest.skip("a case-insensitive file system holds one of them only")
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert "Citizens.csv and citizens.csv, whose names differ only in case" in line
    assert names(db) == []


def test_a_fifo_is_refused_without_waiting_for_it(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    folder = folder_with(tmp_path, citizens=(HEADER + "150390-1234;Åse;Ørsted;\r\n").encode())
    os.mkfifo(folder / "journal.csv")
    result: list = []
    worker = threading.Thread(target=lambda: result.append(import_bundle(db, actor, folder)))
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the import waited on the FIFO"
    assert result[0].error_lines() == [
        "journal.csv:1: This is not a regular file (a pipe, a device or a folder)"
    ]


def test_a_link_out_of_the_folder_is_refused_and_one_inside_is_read(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_bytes((HEADER + "150390-1234;Åse;Ørsted;\r\n").encode())
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "citizens.csv").symlink_to(outside)
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert line.startswith("citizens.csv:1: The file is a link to ") and "outside" in line
    (folder / "citizens.csv").unlink()
    shutil.copy(outside, folder / "real.csv.txt")
    (folder / "citizens.csv").symlink_to(folder / "real.csv.txt")
    assert import_bundle(db, actor, folder, today=TODAY).ok


def test_a_file_over_the_size_limit_is_refused(
    db: Database, actor: Actor, tmp_path: Path, english: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 100)
    folder = folder_with(tmp_path, citizens=(HEADER + "150390-1234;Åse;Ørsted;x\r\n" * 5).encode())
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert line == "citizens.csv:1: The file is larger than 0 MB; split the bundle"


# --- odd values --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1899-12-31", "'1899-12-31' is outside the years 1900–2100"),
        ("2101-01-01", "'2101-01-01' is outside the years 1900–2100"),
    ],
)
def test_dates_outside_1900_to_2100_are_refused(
    db: Database, actor: Actor, tmp_path: Path, english: None, cell: str, reason: str
) -> None:
    folder = folder_with(
        tmp_path,
        citizens=(HEADER + "150390-1234;Åse;Ørsted;\r\n").encode(),
        spells=f"cpr;target_group;start\r\n150390-1234;dagpenge;{cell}\r\n".encode(),
    )
    assert import_bundle(db, actor, folder, today=TODAY).error_lines() == [
        f"spells.csv:2: start: {reason}"
    ]


@pytest.mark.parametrize(
    ("when", "says"),
    [
        ("2026-03-29T02:30", "does not exist in Danish time (the clocks jump from 02:00 to 03:00"),
        (
            "2026-10-25T02:30",
            "happens twice in Danish time (the clocks go back from 03:00 to 02:00",
        ),
    ],
)
def test_a_time_that_does_not_exist_or_happens_twice_in_copenhagen_is_refused(
    db: Database, actor: Actor, tmp_path: Path, english: None, when: str, says: str
) -> None:
    folder = folder_with(
        tmp_path,
        citizens=(HEADER + "150390-1234;Åse;Ørsted;\r\n").encode(),
        conversations=f"cpr;scheduled_at\r\n150390-1234;{when}\r\n".encode(),
    )
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert line.startswith(f"conversations.csv:2: scheduled_at: '{when}' {says}")


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("Åse\x1b[2J", "a control character (code 27) at character 4"),
        ("\u202eesÅ", "an invisible direction override (U+202E) at character 1"),
        ("Åse\nØrsted", "a control character (code 10) at character 4"),
    ],
)
def test_control_characters_and_direction_overrides_in_names_are_refused(
    db: Database, actor: Actor, tmp_path: Path, english: None, name: str, says: str
) -> None:
    cell = '"' + name + '"'
    folder = folder_with(tmp_path, citizens=(HEADER + f"150390-1234;{cell};Ørsted;\r\n").encode())
    [line] = import_bundle(db, actor, folder, today=TODAY).error_lines()
    assert line.startswith("citizens.csv:2: first_name: The text holds " + says)


def test_line_breaks_in_a_journal_note_are_kept_but_escape_codes_are_not(
    db: Database, actor: Actor, tmp_path: Path, english: None
) -> None:
    citizens = (HEADER + "150390-1234;Åse;Ørsted;\r\n").encode()
    journal = 'cpr;written_on;text\r\n150390-1234;2026-03-05;"Line one\r\nline two\ttabbed"\r\n'
    folder = folder_with(tmp_path, citizens=citizens, journal=journal.encode())
    assert import_bundle(db, actor, folder, today=TODAY).ok
    with transaction(db) as s:
        assert s.execute(select(JournalNote.text)).scalar_one() == "Line one\r\nline two\ttabbed"
    bad = 'cpr;written_on;text\r\n150390-1234;2026-03-06;"\x1b]8;;http://x\x07link"\r\n'
    other = folder_with(tmp_path / "2", journal=bad.encode())
    [line] = import_bundle(db, actor, other, today=TODAY).error_lines()
    assert line.startswith("journal.csv:2: text: The text holds a control character (code 27)")


# --- streaming --------------------------------------------------------------------------------
def _cprs(n: int) -> list[str]:
    """``n`` synthetic CPR numbers (valid birth dates in the 1950s–90s, serials 0000–3999)."""
    out = []
    for i in range(n):
        day, month, year, serial = 1 + i % 28, 1 + (i // 28) % 12, 50 + (i // 336) % 50, i // 16800
        out.append(f"{day:02d}{month:02d}{year:02d}{serial:04d}")
    return out


@pytest.mark.slow
def test_checking_a_large_bundle_holds_keys_not_files(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    """A 30 MB journal is checked with a peak well below its size: rows are streamed."""
    cprs = _cprs(2000)
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "citizens.csv").open("w", encoding="utf-8") as handle:
        handle.write("cpr,first_name,last_name\n")
        handle.writelines(f"{c},Åse,Ørsted\n" for c in cprs)
    note = "Samtale om job og uddannelse. " * 50  # 1 500 characters
    with (folder / "journal.csv").open("w", encoding="utf-8") as handle:
        handle.write("cpr,written_on,text\n")
        handle.writelines(f"{cprs[i % 2000]},2026-03-05,{note}{i}\n" for i in range(20_000))
    size_mb = (folder / "journal.csv").stat().st_size / 1e6
    assert size_mb > 29
    tracemalloc.start()
    try:
        report = import_bundle(db, actor, folder, today=TODAY, dry_run=True)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.counts["journal.csv"] == 20_000
    assert peak / 1e6 < size_mb / 3, f"peak {peak / 1e6:.0f} MB for a {size_mb:.0f} MB file"
    with transaction(db) as s:
        assert s.execute(select(func.count()).select_from(JournalNote)).scalar_one() == 0


# --- a real spreadsheet program opens and saves the bundle ------------------------------------
def _libreoffice(
    tmp_path: Path, source_file: Path, target: str, out: Path, infilter: str | None = None
) -> Path:
    import subprocess

    out.mkdir(exist_ok=True)
    command = ["libreoffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless"]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--convert-to", target, "--outdir", str(out), str(source_file)]
    subprocess.run(command, check=True, capture_output=True, timeout=240)
    return out / source_file.name


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_a_csv_bundle_saved_by_a_spreadsheet_as_windows_1252_is_read_and_zeros_fixed_on_request(
    db: Database,
    actor: Actor,
    db_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """LibreOffice opens citizens.csv (numbers detected, as a spreadsheet does by default) and
    saves it as ';'-separated Windows-1252: the CPR numbers beginning with 0 lose it."""
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("README.txt"))
    saved = _libreoffice(
        tmp_path, folder / "citizens.csv", "csv:Text - txt - csv (StarCalc):59,34,1",
        tmp_path / "saved", infilter="CSV:44,34,76",
    )  # fmt: skip
    data = saved.read_bytes()
    assert b"\xc5se" in data and b"\n101901234;" in data  # Windows-1252 Åse, zero lost
    shutil.copy(saved, folder / "citizens.csv")
    assert main(["--lang", "en", "import", str(folder), *db_args]) == 2
    err = capsys.readouterr().err
    assert "citizens.csv:2: cpr: '101901234' has 9 digits" in err
    assert "Read as Windows-1252: citizens.csv" in err
    assert main(["import", str(folder), *db_args, "--fix-leading-zeros"]) == 0
    assert ("0101901234", "Åse", "Ørsted") in names(db)


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_the_workbook_saved_again_by_a_spreadsheet_keeps_cpr_numbers_and_dates(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    assert import_bundle(db, actor, SAMPLE, today=TODAY).ok
    export_bundle(db, actor, tmp_path / "first")
    export_bundle(db, actor, tmp_path / "bundle.xlsx")
    saved = _libreoffice(tmp_path, tmp_path / "bundle.xlsx", "xlsx", tmp_path / "saved")
    with db.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if not table.name.startswith("audit_"):
                conn.execute(table.delete())
    report = import_bundle(db, actor, saved, today=TODAY)
    assert report.ok, report.error_lines()[:5]
    export_bundle(db, actor, tmp_path / "second")
    for name in os.listdir(tmp_path / "first"):
        assert (tmp_path / "second" / name).read_bytes() == (
            tmp_path / "first" / name
        ).read_bytes(), name
