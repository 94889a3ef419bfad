"""The bundle reader types rows in batches, a column at a time (issue #19): whatever the cells,
the rows and the problems must be exactly those of reading the rows one by one.

The reference below is the reader's former loop, a cell at a time; the property test feeds both
the same records (valid, refused and empty cells, cells kept from formulas, batches cut
anywhere) and compares rows, completeness and every problem in order.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.casework.bundle import reader
from app.casework.bundle.cells import fix_leading_zero, read_cpr
from app.casework.bundle.format import SPECS
from app.casework.bundle.reader import Problem, ReadOptions, Row, TableRefused
from app.domain.errors import ValidationError
from app.reports.safe_cells import restore

SPELLS = SPECS["spells.csv"]
HEADER = [column.name for column in SPELLS.columns]
#: A spell that reads without a problem, and one whose start is not a date.
GOOD = ["0101901234", "dagpenge", "2026-01-05"] + [""] * (len(HEADER) - 3)
BAD = ["0101901234", "dagpenge", "2026-02-30"] + [""] * (len(HEADER) - 3)

#: Cells for each kind of reader: good ones, refused ones, empty ones, apostrophes.
_CELLS = {
    "read_cpr": ["0101901234", "010190-1234", "101901234", "12345", "", " ", "'0101901234"],
    "read_code": ["dagpenge", "sygedagpenge", "nope", "", "'=dagpenge"],
    "read_date": ["2026-01-05", "05-01-2026", "2026-02-30", "0202-03-05", "", "i går", "'-3"],
    "read_bool": ["ja", "nej", "yes", "no", "", "måske"],
    "read_int": ["7", "-3", "", "x", "99999999999"],
    "read_float": ["7,5", "3.25", "", "abc", "nan"],
    "text": ["Hansen", "", "  ", "A\x07B", "=SUM(A1)", "'=SUM(A1)", "Ærø"],
}


def _cells_for(read: Any) -> list[str]:
    """The sample cells of a column's reader (``text.<locals>.reader`` -> ``text``)."""
    name = getattr(read, "__qualname__", "").split(".")[0]
    return _CELLS.get(name, _CELLS["text"] + _CELLS["read_date"])


def _one_by_one(
    name: str,
    line: int,
    columns: tuple[tuple[str, int, Any, bool], ...],
    record: list[str],
    problems: list[Problem],
    options: ReadOptions,
) -> Row:
    """The reader's former loop (before issue #19's batches): one row, one cell at a time."""
    values: dict[str, Any] = {}
    complete = True
    for column, index, read, required in columns:
        cell = record[index] if index >= 0 else ""
        if cell[:1] == "'":
            cell = restore(cell)
        if options.fix_leading_zeros and read is read_cpr:
            cell = fix_leading_zero(cell)
        try:
            value = read(cell)
        except ValidationError as error:
            problems.append(Problem(name, line, error, column))
            complete = False
            value = None
        else:
            if value is None and required:
                problems.append(
                    Problem(name, line, ValidationError("{column} is empty", column=column))
                )
                complete = False
        values[column] = value
    return Row(name, line, values, complete)


def _said(problems: list[Problem]) -> list[tuple[int, str | None, str]]:
    return [(p.line, p.column, str(p.error)) for p in problems]


records_strategy = st.lists(
    st.tuples(*[st.sampled_from(_cells_for(column.read)) for column in SPELLS.columns]).map(list),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    records=records_strategy,
    batch=st.integers(1, 9),
    fix=st.booleans(),
    left_out=st.sampled_from([None, "end", "exempt_75"]),
)
def test_batches_read_like_one_row_at_a_time(
    records: list[list[str]], batch: int, fix: bool, left_out: str | None
) -> None:
    header = [column for column in HEADER if column != left_out]
    records = [[cell for column, cell in zip(HEADER, r, strict=True) if column != left_out]
               for r in records]  # fmt: skip
    options = ReadOptions(fix_leading_zeros=fix)
    columns = reader._columns(SPELLS, header)
    numbered = [(line, record) for line, record in enumerate(records, start=2)]

    expected_problems: list[Problem] = []
    expected = [
        _one_by_one("spells.csv", line, columns, record, expected_problems, options)
        for line, record in numbered
    ]
    problems: list[Problem] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(reader, "BATCH_ROWS", batch)
        got = list(
            reader._rows(
                "spells.csv", iter(numbered), header, SPELLS, problems, options, sheet=False
            )
        )
    assert got == expected
    assert _said(problems) == _said(expected_problems)


def test_rows_before_a_broken_table_are_still_read() -> None:
    """A table that breaks off (``csv.Error``) still hands on the rows read before it, also
    those waiting in an unfinished batch."""

    def records():
        yield 2, GOOD
        yield 3, GOOD
        raise TableRefused

    problems: list[Problem] = []
    rows = list(
        reader._rows("spells.csv", records(), HEADER, SPELLS, problems, ReadOptions(), sheet=False)
    )
    assert [row.line for row in rows] == [2, 3]
    assert all(row.complete for row in rows)
    assert problems == []


@pytest.mark.parametrize("size", [reader.BATCH_ROWS - 1, reader.BATCH_ROWS, reader.BATCH_ROWS + 1])
def test_a_problem_on_either_side_of_a_batch_boundary(size: int) -> None:
    """Rows are numbered by their own lines across batches, and a refused cell names its row."""
    numbered = [(line, BAD if line == size + 1 else GOOD) for line in range(2, size + 3)]
    problems: list[Problem] = []
    rows = list(
        reader._rows(
            "spells.csv", iter(numbered), HEADER, SPELLS, problems, ReadOptions(), sheet=False
        )
    )
    assert [row.line for row in rows] == [line for line, _record in numbered]
    assert [row.line for row in rows if not row.complete] == [size + 1]
    assert [(p.line, p.column) for p in problems] == [(size + 1, "start")]
