"""Where a bundle comes from: a folder of CSV files or one ``.xlsx`` workbook (a sheet per file).

Before a row is read the source itself is checked, so that what is not a bundle is refused as a
whole with ``file:line: reason``: two files whose names differ only in case, anything that is
not a regular file (a FIFO or a device would block or never end; a symbolic link must stay in
the folder), a file over ``MAX_FILE_BYTES``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from app.casework.bundle.format import FILE_NAMES
from app.casework.bundle.reader import CsvTable, Problem, SheetTable
from app.domain.errors import MinPlanError, ValidationError

#: The largest bundle file (or workbook) Min Plan reads: 1 GiB, several times a municipality's
#: whole caseload (200 000 citizens with their journals make about 300 MB).
MAX_FILE_BYTES = 1 << 30
WORKBOOK_SUFFIXES = (".xlsx",)


@dataclass
class Bundle:
    """The tables of one bundle by file name (``citizens.csv``), and how to tell if the files
    changed while they were imported."""

    origin: Path
    tables: dict[str, CsvTable | SheetTable] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def is_workbook(self) -> bool:
        return self.origin.suffix.lower() in WORKBOOK_SUFFIXES

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Size and modification time of every file read: a change between checking and
        writing means the checked rows are not the written ones."""
        found = []
        for path in self.files:
            try:
                info = path.stat()
            except OSError:
                found.append((str(path), -1, -1))
            else:
                found.append((str(path), info.st_size, info.st_mtime_ns))
        return tuple(found)


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def open_bundle(origin: Path, problems: list[Problem]) -> Bundle:
    """The bundle at ``origin`` (a folder or a workbook); raises ``MinPlanError`` when it is no
    bundle at all, appends a problem for each file refused as a whole."""
    if is_workbook(origin):
        return _workbook(origin, problems)
    return _folder(origin, problems)


def _folder(directory: Path, problems: list[Problem]) -> Bundle:
    if not directory.is_dir():
        raise MinPlanError("{path} is not a folder", path=str(directory))
    try:
        entries = sorted(p for p in directory.iterdir() if p.suffix.lower() == ".csv")
    except OSError as error:
        raise MinPlanError(
            "The folder {path} cannot be read: {reason}",
            path=str(directory),
            reason=error.strerror or str(error),
        ) from error
    by_name: dict[str, list[Path]] = {}
    for entry in entries:
        by_name.setdefault(entry.name.lower(), []).append(entry)
    if not set(by_name) & set(FILE_NAMES):
        raise MinPlanError(
            "{path} is not a bundle: it holds none of the bundle's files ({files})",
            path=str(directory),
            files=", ".join(FILE_NAMES),
        )
    bundle = Bundle(directory)
    inside = directory.resolve()
    for name in sorted(by_name):
        paths = by_name[name]
        if len(paths) > 1:
            problems.append(Problem(paths[0].name, 1, ValidationError(
                "The folder holds {files}, whose names differ only in case; keep one of them",
                files=" and ".join(p.name for p in paths),
            )))  # fmt: skip
            continue
        path = paths[0]
        if name not in FILE_NAMES:
            problems.append(Problem(path.name, 1, ValidationError(
                "Unknown file; the bundle's files are: {files}", files=", ".join(FILE_NAMES)
            )))  # fmt: skip
            continue
        refusal = _not_readable(path, inside)
        if refusal is not None:
            problems.append(Problem(path.name, 1, refusal))
            continue
        bundle.tables[name] = CsvTable(path, path.name)
        bundle.files.append(path)
    return bundle


def _not_readable(path: Path, inside: Path) -> ValidationError | None:
    """Why ``path`` may not be read as a bundle file, or None."""
    try:
        link = os.lstat(path)
        if stat.S_ISLNK(link.st_mode):
            target = path.resolve()
            if target.parent != inside:
                return ValidationError(
                    "The file is a link to {target}, outside the bundle's folder; copy the file "
                    "into the folder instead",
                    target=str(target),
                )
        info = os.stat(path)
    except OSError as error:
        return ValidationError("The file cannot be read: {reason}", reason=error.strerror or "")
    if not stat.S_ISREG(info.st_mode):
        return ValidationError("This is not a regular file (a pipe, a device or a folder)")
    if info.st_size > MAX_FILE_BYTES:
        return ValidationError(
            "The file is larger than {limit} MB; split the bundle", limit=MAX_FILE_BYTES >> 20
        )
    return None


def _workbook(path: Path, problems: list[Problem]) -> Bundle:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    refusal = _not_readable(path, path.resolve().parent) if path.exists() else None
    if not path.exists():
        raise MinPlanError("The file {path} does not exist", path=str(path))
    if refusal is not None:
        problems.append(Problem(path.name, 1, refusal))
        return Bundle(path)
    try:
        book = load_workbook(path, read_only=True)
        sheets = list(book.sheetnames)
        book.close()
    except (BadZipFile, OSError, KeyError, ValueError) as error:
        raise MinPlanError(
            "{path} is not a workbook Min Plan can read: {reason}",
            path=str(path),
            reason=str(error),
        ) from error
    known = {name.removesuffix(".csv"): name for name in FILE_NAMES}
    bundle = Bundle(path, files=[path])
    for sheet in sheets:
        key = sheet.strip().lower().removesuffix(".csv")
        if key not in known:
            problems.append(Problem(f"{path.name}[{sheet}]", 1, ValidationError(
                "Unknown sheet; the bundle's sheets are: {files}",
                files=", ".join(known),
            )))  # fmt: skip
            continue
        if known[key] in bundle.tables:
            problems.append(Problem(f"{path.name}[{sheet}]", 1, ValidationError(
                "The sheet {sheet!r} appears twice", sheet=key
            )))  # fmt: skip
            continue
        bundle.tables[known[key]] = SheetTable(path, sheet, f"{path.name}[{key}]")
    if not bundle.tables:
        raise MinPlanError(
            "{path} is not a bundle: it holds none of the bundle's sheets ({files})",
            path=str(path),
            files=", ".join(known),
        )
    return bundle
