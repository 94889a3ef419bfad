"""Reading one bundle table, a stream of rows, with every problem tied to its file and line.

A table is a CSV file of the bundle folder or a sheet of the bundle workbook (``.xlsx``). Rows
are streamed: a file is never read into memory whole, so a bundle of 200 000 citizens imports in
bounded memory (what is kept is the keys, not the text). A CSV file's encoding is found before
its rows are read: UTF-8 (with or without BOM) or Windows-1252, what Danish Excel's "CSV
(semikolonsepareret)" writes; anything else, and text garbled by a wrong encoding on the way
(``Ã¸`` for ``ø``), is refused.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from app import i18n
from app.casework.bundle.cells import fix_leading_zero, read_cpr
from app.casework.bundle.format import FileSpec
from app.domain.errors import MinPlanError, ValidationError
from app.reports.safe_cells import restore

CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class Problem:
    """``file:line: reason`` (``file:line: column: reason`` for a cell); the reason is a typed
    error, translated only when shown, so the report follows the user's language."""

    file: str
    line: int
    error: MinPlanError
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: " + (f"{self.column}: " if self.column else "")
        return where + i18n.translate_error(self.error)


class Row(NamedTuple):
    """One data row. ``complete`` is False when a cell could not be read: the row's key still
    counts (so references to it are not reported again), but its other rules are not checked.
    (A named tuple: an import makes one per row, and a frozen dataclass took twice as long.)"""

    file: str
    line: int
    values: dict[str, Any]
    complete: bool = True


@dataclass(frozen=True)
class ReadOptions:
    #: ``--fix-leading-zeros``: nine-digit CPR numbers get back the 0 a spreadsheet dropped.
    fix_leading_zeros: bool = False


class TableRefused(Exception):
    """The table as a whole cannot be read; its problem is already recorded."""


# --- encodings ----------------------------------------------------------------------------
UTF8_BOM, UTF8, WINDOWS_1252 = "UTF-8 with BOM", "UTF-8", "Windows-1252"
_CODECS = {UTF8_BOM: "utf-8-sig", UTF8: "utf-8", WINDOWS_1252: "cp1252"}
#: Bytes Windows-1252 leaves undefined: a file holding one is in no encoding Min Plan reads.
_UNDEFINED_1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
#: UTF-8 letters read as Windows-1252 and saved again (``Ã¸`` = ø, ``Ã¥`` = å, ``Ã†`` = Æ …),
#: or letters already lost (U+FFFD).
_MOJIBAKE = re.compile(
    "Ã[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a"
    "\u20ac\u2122]|Â[\u00a0-\u00bf]|\ufffd"
)


def detect_encoding(path: Path, name: str, problems: list[Problem]) -> str:
    """The file's encoding label, read in chunks (never whole); raises ``TableRefused``."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, line, bad_line = True, 1, 1
    with path.open("rb") as handle:
        head = handle.read(4)
        handle.seek(0)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            _refuse(problems, name, 1, ValidationError(
                "The file is UTF-16 (\"Unicode text\"); save it as CSV UTF-8 or CSV "
                "(semikolonsepareret)"
            ))  # fmt: skip
        bom = head.startswith(codecs.BOM_UTF8)
        while utf8 and (chunk := handle.read(CHUNK_BYTES)):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                utf8, bad_line = False, line + chunk[: error.start].count(b"\n")
            line += chunk.count(b"\n")
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8, bad_line = False, line
        if utf8:
            return UTF8_BOM if bom else UTF8
        if bom:
            _refuse(problems, name, bad_line, ValidationError(
                "The file starts as UTF-8 but is not UTF-8 from this line on; save it again as "
                "CSV UTF-8"
            ))  # fmt: skip
        handle.seek(0)  # Windows-1252 if no byte is one that Windows-1252 leaves undefined
        line = 1
        while chunk := handle.read(CHUNK_BYTES):
            if (undefined := _UNDEFINED_1252.search(chunk)) is not None:
                _refuse(problems, name, line + chunk[: undefined.start()].count(b"\n"),
                        ValidationError(
                    "The file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8"
                ))  # fmt: skip
            line += chunk.count(b"\n")
    return WINDOWS_1252


def _refuse(problems: list[Problem], name: str, line: int, error: MinPlanError) -> None:
    problems.append(Problem(name, line, error))
    raise TableRefused


# --- tables -------------------------------------------------------------------------------
@dataclass
class CsvTable:
    """One CSV file of a bundle folder."""

    path: Path
    name: str
    encoding: str | None = field(default=None)

    def records(self, problems: list[Problem]) -> Generator[tuple[int, list[str]]]:
        """``(line, cells)`` from the header on; a cell spanning lines is named by its first."""
        if self.encoding is None:
            self.encoding = detect_encoding(self.path, self.name, problems)
        with self.path.open(encoding=_CODECS[self.encoding], newline="") as handle:
            header_line = handle.readline()
            handle.seek(0)  # (the UTF-8 BOM is skipped again by the codec)
            reader = csv.reader(handle, delimiter=sniff_delimiter(header_line))
            start = 1
            try:
                for record in reader:
                    line, start = start, reader.line_num + 1
                    yield line, record
            except csv.Error as error:
                problems.append(
                    Problem(self.name, start,
                            ValidationError("The row cannot be read: {reason}", reason=str(error)))
                )  # fmt: skip
                raise TableRefused from None


@dataclass
class SheetTable:
    """One sheet of the bundle workbook, named like the CSV file without ``.csv``."""

    path: Path
    sheet: str
    name: str
    encoding: str | None = None

    def records(self, problems: list[Problem]) -> Generator[tuple[int, list[str]]]:
        from openpyxl import load_workbook

        book = load_workbook(self.path, read_only=True, data_only=True)
        try:
            sheet = book[self.sheet]
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, _trimmed([sheet_text(value) for value in cells])
        finally:
            book.close()


def _trimmed(cells: list[str]) -> list[str]:
    """A sheet row without the empty cells a spreadsheet keeps after the last used column."""
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def sheet_text(value: Any) -> str:
    """A workbook cell as the text the bundle's cell readers expect."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sniff_delimiter(header_line: str) -> str:
    """``;`` (Danish Excel) or ``,``, judged per file from its header."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


# --- rows ---------------------------------------------------------------------------------
def open_rows(
    table: CsvTable | SheetTable,
    spec: FileSpec,
    problems: list[Problem],
    options: ReadOptions = ReadOptions(),
) -> Iterator[Row] | None:
    """The table's typed rows, streamed; None when it is refused as a whole (its encoding, its
    header). Blank lines are skipped; problems are appended as they are found."""
    records = table.records(problems)
    try:
        first = next(records, None)
    except TableRefused:
        return None
    if first is None:
        return iter(())
    header = [name.strip().lower() for name in first[1]]
    if not _header_ok(table.name, spec, header, problems):
        records.close()
        return None
    return _rows(
        table.name, records, header, spec, problems, options, sheet=isinstance(table, SheetTable)
    )


#: Rows typed together, a column at a time (``_typed_rows``). Small batches stay in the
#: processor's cache: the 301 660 rows of a 20 000-citizen bundle were read in 1.5-1.6 s in
#: batches of 128, in 2.1 s in batches of 1 024 or a row at a time, in 2.5-2.9 s in batches of
#: 8 192 (issue #19).
BATCH_ROWS = 128


def _rows(
    name: str,
    records: Iterator[tuple[int, list[str]]],
    header: list[str],
    spec: FileSpec,
    problems: list[Problem],
    options: ReadOptions,
    *,
    sheet: bool,
) -> Iterator[Row]:
    columns = _columns(spec, header)
    lines: list[int] = []
    batch: list[list[str]] = []
    try:
        for line, record in records:
            if not "".join(record).strip():  # (no cell holds more than spaces)
                continue
            if sheet and len(record) < len(header):
                record = record + [""] * (len(header) - len(record))
            if len(record) != len(header):
                problems.append(
                    Problem(name, line, ValidationError(
                        "The row has {cells} cells but the header has {columns}",
                        cells=len(record),
                        columns=len(header),
                    ))
                )  # fmt: skip
                continue
            garbled = None  # (one search over the row; the cell only when it has a match)
            if _MOJIBAKE.search("\x00".join(record)):
                garbled = next(c for c in record if _MOJIBAKE.search(c))
            if garbled is not None:
                found = _MOJIBAKE.search(garbled)
                problems.append(
                    Problem(name, line, ValidationError(
                        "The text is garbled by a wrong encoding ({found!r} in {cell!r}): the "
                        "file was opened in one encoding and saved in another. Export it again, "
                        "or save it as CSV UTF-8",
                        found=found.group() if found else "",
                        cell=garbled[:40],
                    ))
                )  # fmt: skip
                continue
            lines.append(line)
            batch.append(record)
            if len(batch) == BATCH_ROWS:
                yield from _typed_rows(name, lines, batch, columns, problems, options)
                lines, batch = [], []
    except TableRefused:
        pass  # (the rows read before the table broke off are still checked)
    if batch:
        yield from _typed_rows(name, lines, batch, columns, problems, options)


def _header_ok(name: str, spec: FileSpec, header: list[str], problems: list[Problem]) -> bool:
    ok = True
    known = set(spec.column_names)
    for column in header:
        if column not in known:
            problems.append(
                Problem(
                    name,
                    1,
                    ValidationError(
                        "Unknown column {column!r}; the columns are: {allowed}",
                        column=column,
                        allowed=", ".join(spec.column_names),
                    ),
                )
            )
            ok = False
    for column in sorted({c for c in header if header.count(c) > 1}):
        problems.append(
            Problem(name, 1, ValidationError("The column {column!r} appears twice", column=column))
        )
        ok = False
    for wanted in spec.columns:
        if wanted.required and wanted.name not in header:
            problems.append(
                Problem(
                    name, 1, ValidationError("The column {column!r} is missing", column=wanted.name)
                )
            )
            ok = False
    return ok


def _typed_rows(
    name: str,
    lines: list[int],
    records: list[list[str]],
    columns: tuple[tuple[str, int, Any, bool], ...],
    problems: list[Problem],
    options: ReadOptions = ReadOptions(),
) -> list[Row]:
    """Records of as many cells as the header, typed a column at a time: each column's cells go
    through its reader in one ``map`` (the hot path of an import, issue #19). A column where a
    cell is refused is read again cell by cell to name each problem; a row's problems are
    reported in its column order, the rows in the file's order."""
    count = len(records)
    cells_at = list(zip(*records, strict=True))
    refused: dict[int, list[Problem]] = {}
    value_columns = []
    for column, index, read, required in columns:
        cells: Any = cells_at[index] if index >= 0 else ("",) * count
        if "\x00'" in "\x00" + "\x00".join(cells):  # a cell kept from a formula (rare)
            cells = [restore(cell) if cell[:1] == "'" else cell for cell in cells]
        if options.fix_leading_zeros and read is read_cpr:
            cells = list(map(fix_leading_zero, cells))
        try:
            values = list(map(read, cells))
        except ValidationError:
            values = None
        if values is None or (required and None in values):
            values = _read_one_by_one(name, lines, column, cells, read, required, refused)
        value_columns.append(values)
    for place in sorted(refused):
        for problem in refused[place]:
            problems.append(problem)  # (one by one: the report keeps the first thousand)
    names = tuple(column for column, _index, _read, _required in columns)
    rows = map(dict, map(zip, repeat(names), zip(*value_columns, strict=True)))
    complete = [place not in refused for place in range(count)] if refused else repeat(True)
    return list(map(tuple.__new__, repeat(Row), zip(repeat(name), lines, rows, complete)))


def _read_one_by_one(
    name: str,
    lines: list[int],
    column: str,
    cells: Any,
    read: Any,
    required: bool,
    refused: dict[int, list[Problem]],
) -> list[Any]:
    """A column's values read cell by cell, each refused or missing cell noted by its row."""
    values: list[Any] = []
    for place, cell in enumerate(cells):
        try:
            value = read(cell)
        except ValidationError as error:
            refused.setdefault(place, []).append(Problem(name, lines[place], error, column))
            value = None
        else:
            if value is None and required:
                problem = Problem(
                    name, lines[place], ValidationError("{column} is empty", column=column)
                )
                refused.setdefault(place, []).append(problem)
        values.append(value)
    return values


def _columns(spec: FileSpec, header: list[str]) -> tuple[tuple[str, int, Any, bool], ...]:
    """(name, its cell's index in a row or -1 when the file leaves it out, reader, required)
    of each column of ``spec``."""
    return tuple(
        (c.name, header.index(c.name) if c.name in header else -1, c.read, c.required)
        for c in spec.columns
    )
