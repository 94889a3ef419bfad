"""Fuzzing the CSV bundle import: whatever arrives — random bytes, latin-1, UTF-16 or cp1252 text,
missing, extra or duplicated columns, huge cells, NUL bytes, formula-looking cells — the import
answers with an ImportReport or a ``MinPlanError`` (never another exception) and a refused import
leaves every table exactly as it was.

The example counts are kept small so the normal suite stays fast; raise them with
``HYPOTHESIS_PROFILE=fuzz`` for a long run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.casework.bundle.format import FILE_NAMES, SPECS
from app.casework.bundle.importer import import_bundle
from app.casework.core.actor import Actor
from app.domain.errors import MinPlanError, ValidationError
from app.store.engine import Database
from app.store.models import metadata

settings.register_profile(
    "fuzz", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck)
)
QUICK = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
    QUICK = settings(settings.get_profile("fuzz"))

TODAY_ISO = "2026-11-23"

#: Cells that mean something to a spreadsheet or to the reader, plus plausible good values.
NASTY_CELLS = [
    '=HYPERLINK("http://example.invalid/?"&A1,"Klik")',
    "=1+1",
    "+45 12345678",
    "-1",
    "@SUM(A1:A9)",
    "'=1+1",
    "\t=1",
    "\x00",
    "a\x00b",
    '"',
    '""',
    "a\nb",
    "\r",
    ";",
    ",",
    "ja",
    "nej",
    "yes",
    "2026-02-30",
    "31-12-2026",
    TODAY_ISO,
    "150390-1234",
    "1503901234",
    "010185-4321",
    "12345678",
    "99999999999999999999999",
    "1e309",
    "nan",
    "-0",
    "Ærø Å",
    "KL",
    "dagpenge",
    "virksomhedspraktik",
    "planned",
    "\ufeff",
    "\u202e",
]

cell = st.one_of(
    st.sampled_from(NASTY_CELLS),
    st.text(max_size=30),
    st.integers(min_value=1, max_value=3).map(lambda n: "x" * (70_000 * n)),  # huge fields
)


@st.composite
def csv_text(draw: st.DrawFn) -> tuple[str, str]:
    """A file name and a CSV text whose header mixes real, missing, extra and repeated columns."""
    name = draw(st.sampled_from(FILE_NAMES))
    real = list(SPECS[name].column_names)
    header = draw(st.lists(st.sampled_from(real), min_size=0, max_size=len(real) + 2))
    if draw(st.booleans()):
        header = real if draw(st.booleans()) else real[:-1]
    header += draw(st.lists(st.sampled_from(["extra", "CPR", " cpr ", "", "=cpr"]), max_size=2))
    delimiter = draw(st.sampled_from([",", ";"]))
    rows = draw(
        st.lists(
            st.lists(cell, min_size=max(len(header) - 1, 0), max_size=len(header) + 1),
            max_size=4,
        )
    )

    def quote(value: str) -> str:
        if any(ch in value for ch in f'"{delimiter}\n\r') and draw(st.booleans()):
            return '"' + value.replace('"', '""') + '"'
        return value  # sometimes left unquoted: a broken file

    lines = [delimiter.join(header)] + [delimiter.join(quote(c) for c in row) for row in rows]
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return name, newline.join(lines) + newline


def encoded(text: str, encoding: str) -> bytes:
    return (
        text.encode(encoding, errors="replace")
        if encoding != "utf-8"
        else text.encode("utf-8", errors="surrogatepass")
    )


def table_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def check_import(db: Database, actor: Actor, files: dict[str, bytes], dry_run: bool) -> None:
    """The property: a report or a MinPlanError; a refused (or dry) import writes nothing."""
    before = table_counts(db)
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            Path(folder, name).write_bytes(content)
        try:
            report = import_bundle(db, actor, folder, dry_run=dry_run)
        except MinPlanError:
            report = None
        else:
            for line in report.error_lines():  # every problem can be told in Danish
                assert isinstance(line, str) and line
            report.summary()
    if report is None or not report.written:
        assert table_counts(db) == before


@QUICK
@given(
    name=st.sampled_from([*FILE_NAMES, "notes.csv", "CITIZENS.CSV"]),
    content=st.binary(max_size=3000),
    dry_run=st.booleans(),
)
def test_random_bytes_never_crash_and_never_write(
    db: Database, actor: Actor, name: str, content: bytes, dry_run: bool
) -> None:
    check_import(db, actor, {name: content}, dry_run)


@QUICK
@given(
    files=st.lists(csv_text(), min_size=1, max_size=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-le"]),
)
def test_malformed_csv_in_any_encoding_never_crashes_and_never_writes_partly(
    db: Database, actor: Actor, files: list[tuple[str, str]], encoding: str
) -> None:
    check_import(db, actor, {name: encoded(text, encoding) for name, text in files}, False)


@QUICK
@given(own_words=cell, job_goal=cell, first_name=cell, phone=cell)
def test_a_well_formed_bundle_with_nasty_cells_imports_whole_or_not_at_all(
    db: Database, actor: Actor, own_words: str, job_goal: str, first_name: str, phone: str
) -> None:
    def q(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    citizens = f"cpr,first_name,last_name,phone\n1503901234,{q(first_name)},Ørsted,{q(phone)}\n"
    plans = f"cpr,job_goal,own_words\n1503901234,{q(job_goal)},{q(own_words)}\n"
    check_import(db, actor, {"citizens.csv": citizens.encode(), "plans.csv": plans.encode()}, False)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "mac-roman-undefined"])
def test_a_file_in_another_encoding_is_named_and_nothing_is_written(
    db: Database, actor: Actor, tmp_path: Path, encoding: str
) -> None:
    before = table_counts(db)
    text = "cpr,first_name,last_name\n150390-1234,Åse,Ørsted\n"
    data = (
        text.encode("utf-16-be").join([b"\xfe\xff", b""])
        if encoding == "utf-16-be"
        else text.encode("cp1252") + b"\x8d"  # a byte no Windows code page 1252 has
        if encoding == "mac-roman-undefined"
        else text.encode(encoding)
    )
    (tmp_path / "citizens.csv").write_bytes(data)
    report = import_bundle(db, actor, tmp_path)
    assert not report.ok and any("UTF-8" in line for line in report.error_lines())
    assert table_counts(db) == before


SAMPLE = Path(__file__).resolve().parent.parent / "app" / "resources" / "sample-bundle"
INTEGERS = st.one_of(
    st.integers(), st.integers(min_value=2**62).map(str), st.sampled_from(["-5", "0", "1e3"])
)


@QUICK
@given(
    name=st.sampled_from(FILE_NAMES),
    where=st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=20)),
    value=st.one_of(cell, INTEGERS.map(str)),
)
@example(name="companies.csv", where=(0, 5), value=str(2**63))  # found by this test
@example(name="recruitment_orders.csv", where=(0, 3), value=str(2**31))  # PostgreSQL's INTEGER
def test_one_nasty_cell_in_the_valid_sample_is_imported_whole_or_refused_whole(
    migrated_template: Path, actor: Actor, name: str, where: tuple[int, int], value: str
) -> None:
    """The sample bundle imports cleanly; with one cell replaced it must still be all or nothing
    (this reaches the writing code with odd values that pass the checks)."""
    import csv
    import io
    import shutil

    from app.store.engine import open_sqlite

    text = (SAMPLE / name).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    row = 1 + where[0] % max(len(rows) - 1, 1)
    if row < len(rows):
        rows[row][where[1] % len(rows[row])] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files = {p.name: p.read_bytes() for p in SAMPLE.glob("*.csv")}
    files[name] = out.getvalue().encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "fuzz.db")
        shutil.copyfile(migrated_template, path)
        db = open_sqlite(path)
        try:
            check_import(db, actor, files, False)
        finally:
            db.dispose()


def test_a_nul_character_or_a_too_large_number_is_named_not_stored() -> None:
    """csv refuses NUL in a file in Python 3.11; a cell check keeps it out on every version
    (PostgreSQL cannot store NUL in text), and whole numbers must fit the database's integer."""
    from app.casework.bundle.cells import read_int, read_text

    with pytest.raises(ValidationError):
        read_text("a\x00b")
    with pytest.raises(ValidationError):
        read_int(str(2**31))
    assert read_int(str(2**31 - 1)) == 2**31 - 1
