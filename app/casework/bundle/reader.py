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


@dataclass(frozen=True)
class Problem:
    """``file:line: reason``; the reason is a typed error, translated when shown."""

    file: str
    line: int
    error: MinPlanError

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {i18n.translate_error(self.error)}"


@dataclass(frozen=True)
class Row:
    file: str
    line: int
    values: dict[str, Any]


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


def read_rows(path: Path, spec: FileSpec, problems: list[Problem]) -> list[Row]:
    """Typed rows of one file; problems are appended, bad rows left out."""
    text = _decode(path, problems)
    if text is None or not text.strip():
        return []
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
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
        return []
    if not _header_ok(path.name, spec, header, problems):
        return []
    rows: list[Row] = []
    start_line = 2
    try:
        for record in reader:
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
            values = _typed(path.name, line, spec, dict(zip(header, record, strict=True)), problems)
            if values is not None:
                rows.append(Row(path.name, line, values))
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
    for column in {c for c in header if header.count(c) > 1}:
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
) -> dict[str, Any] | None:
    values: dict[str, Any] = {}
    ok = True
    for column in spec.columns:
        cell = raw.get(column.name, "")
        try:
            value = column.read(cell)
        except ValidationError as error:
            problems.append(
                Problem(
                    name,
                    line,
                    ValidationError(
                        "{column}: {reason}", column=column.name, reason=i18n.translate_error(error)
                    ),
                )
            )
            ok = False
            continue
        if value is None and column.required:
            problems.append(
                Problem(name, line, ValidationError("{column} is empty", column=column.name))
            )
            ok = False
        values[column.name] = value
    return values if ok else None
