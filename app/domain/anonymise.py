"""Small-cell suppression for aggregates that leave Min Plan (domain.md §6).

Primary: a count below the threshold (default 5, never below 3) is suppressed ("<5"), and so is a
share or full-time figure built on fewer persons; a share of persons is suppressed too when its
numerator or its complement is 1–4 persons, or when it is 0 % or 100 % of fewer than 10 (twice the
threshold). Secondary: wherever a total is shown, a line
(row or column) must not have exactly one suppressed cell, or it could be worked back from the
total; the smallest other cell of such a line is suppressed too, until no line has exactly one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5


def effective_threshold(setting: int | None) -> int:
    return max(MIN_THRESHOLD, setting if setting is not None else DEFAULT_THRESHOLD)


def shown_count(value: int, threshold: int) -> str:
    """How a count is printed: the number, or "<5" (0 is not a small cell: nobody to recognise)."""
    return f"<{threshold}" if 0 < value < threshold else str(value)


def suppress_value(persons: int, threshold: int) -> bool:
    """A share or full-time figure is suppressed when fewer persons than the threshold stand behind it."""
    return 0 < persons < threshold


def suppress_share(numerator: int, persons: int, threshold: int) -> bool:
    """A share of persons is suppressed when its numerator or its complement (``persons`` −
    ``numerator``) is 1 to threshold − 1 persons — either would single out a handful of people to
    anyone who knows the group's size — and a 0 % or 100 % share of fewer than twice the
    threshold (it says something of every one of a small group)."""
    complement = persons - numerator
    if suppress_value(persons, threshold):
        return True
    if 0 < numerator < threshold or 0 < complement < threshold:
        return True
    return (numerator == 0 or complement == 0) and 0 < persons < 2 * threshold


@dataclass(frozen=True)
class SuppressedTable:
    values: tuple[tuple[int, ...], ...]
    suppressed: frozenset[tuple[int, int]]
    threshold: int

    def cell(self, row: int, column: int) -> str:
        if (row, column) in self.suppressed:
            return f"<{self.threshold}" if 0 < self.values[row][column] < self.threshold else "×"
        return str(self.values[row][column])

    def row_total(self, row: int) -> int:
        return sum(self.values[row])

    def column_total(self, column: int) -> int:
        return sum(r[column] for r in self.values)


def suppress_table(
    values: Sequence[Sequence[int]],
    threshold: int = DEFAULT_THRESHOLD,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> SuppressedTable:
    """Primary and secondary suppression of a table of counts whose row/column totals are shown."""
    threshold = effective_threshold(threshold)
    grid = tuple(tuple(int(v) for v in row) for row in values)
    rows, cols = len(grid), len(grid[0]) if grid else 0
    hidden = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c] < threshold}
    lines = _lines(rows, cols, row_totals, column_totals)
    _secondary(grid, hidden, lines)
    return SuppressedTable(grid, frozenset(hidden), threshold)


def _lines(
    rows: int, cols: int, row_totals: bool, column_totals: bool
) -> list[list[tuple[int, int]]]:
    lines: list[list[tuple[int, int]]] = []
    if row_totals:
        lines += [[(r, c) for c in range(cols)] for r in range(rows)]
    if column_totals:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]
    return lines


def _secondary(
    grid: Sequence[Sequence[float]],
    hidden: set[tuple[int, int]],
    lines: list[list[tuple[int, int]]],
) -> None:
    """Add cells to ``hidden`` until no line (whose total is shown) has exactly one hidden cell:
    each time the smallest other cell, preferring a non-zero one (a zero hides nothing)."""
    changed = True
    while changed:
        changed = False
        for line in lines:
            inside = [cell for cell in line if cell in hidden]
            if len(inside) == 1:
                candidates = [cell for cell in line if cell not in hidden]
                if candidates:
                    pick = min(
                        candidates,
                        key=lambda cell: (grid[cell[0]][cell[1]] == 0, grid[cell[0]][cell[1]]),
                    )
                    hidden.add(pick)
                    changed = True


def suppress_series(values: Sequence[float], hidden: set[int]) -> set[int]:
    """Secondary suppression for a series shown beside its total (a period's months beside the
    period's figure, for additive measures): the indexes to hide, ``hidden`` included. When a
    single month is hidden, the smallest other month is hidden too, so the total minus the shown
    months never gives a hidden month away."""
    grid = [list(values)]
    cells = {(0, index) for index in hidden}
    _secondary(grid, cells, [[(0, index) for index in range(len(values))]])
    return {index for _row, index in cells}


def recoverable_cells(
    table: SuppressedTable, *, row_totals: bool = True, column_totals: bool = True
) -> set[tuple[int, int]]:
    """The suppressed cells an outsider can work out from the shown cells and totals by repeated
    subtraction along rows and columns (used by the tests to prove suppression holds)."""
    rows = len(table.values)
    cols = len(table.values[0]) if rows else 0
    known = {(r, c) for r in range(rows) for c in range(cols) if (r, c) not in table.suppressed}
    lines = _lines(rows, cols, row_totals, column_totals)
    found: set[tuple[int, int]] = set()
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [cell for cell in line if cell not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                found.add(unknown[0])
                progress = True
    return found
