"""Reading one bundle file into typed rows, with every problem tied to its file and line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app import i18n
from app.casework.bundle.format import FileSpec
from app.domain.errors import MinPlanError, ValidationError
from app.reports.safe_cells import restore


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


@dataclass(frozen=True)
class Row:
    """One data row. ``complete`` is False when a cell could not be read: the row's key still
    counts (so references to it are not reported again), but its other rules are not checked."""

    file: str
    line: int
    values: dict[str, Any]
    complete: bool = True


def _decode(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                path.name, line, ValidationError("The file is not UTF-8 text; save it as CSV UTF-8")
            )
        )
        return None


def sniff_delimiter(header_line: str) -> str:
    """``;`` (Danish Excel) or ``,``, judged per file from its header."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def read_rows(path: Path, spec: FileSpec, problems: list[Problem]) -> list[Row] | None:
    """Typed rows of one file; problems are appended. Blank lines are skipped.

    None means the file as a whole was refused (not UTF-8, bad header): its rows are unknown.
    """
    text = _decode(path, problems)
    if text is None:
        return None
    if not text.strip():
        return []
    delimiter = sniff_delimiter(text.splitlines()[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        problems.append(
            Problem(
                path.name,
                1,
                ValidationError("The header cannot be read: {reason}", reason=str(error)),
            )
        )
        return None
    if not _header_ok(path.name, spec, header, problems):
        return None
    rows: list[Row] = []
    start_line = 2
    try:
        for record in reader:
            # A quoted cell may span lines: the row is named by the line it starts on.
            line, start_line = start_line, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(
                    Problem(
                        path.name,
                        line,
                        ValidationError(
                            "The row has {cells} cells but the header has {columns}",
                            cells=len(record),
                            columns=len(header),
                        ),
                    )
                )
                continue
            raw = dict(zip(header, record, strict=True))
            rows.append(_typed(path.name, line, spec, raw, problems))
    except csv.Error as error:
        problems.append(
            Problem(
                path.name,
                start_line,
                ValidationError("The row cannot be read: {reason}", reason=str(error)),
            )
        )
    return rows


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
    for column in spec.columns:
        if column.required and column.name not in header:
            problems.append(
                Problem(
                    name, 1, ValidationError("The column {column!r} is missing", column=column.name)
                )
            )
            ok = False
    return ok


def _typed(
    name: str, line: int, spec: FileSpec, raw: dict[str, str], problems: list[Problem]
) -> Row:
    values: dict[str, Any] = {}
    complete = True
    for column in spec.columns:
        try:
            value = column.read(restore(raw.get(column.name, "")))
        except ValidationError as error:
            problems.append(Problem(name, line, error, column.name))
            complete = False
            value = None
        else:
            if value is None and column.required:
                problems.append(
                    Problem(name, line, ValidationError("{column} is empty", column=column.name))
                )
                complete = False
        values[column.name] = value
    return Row(name, line, values, complete)
