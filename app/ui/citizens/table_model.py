"""The citizen list's table model: ids in memory, rows fetched a page at a time (the Anki way)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app import i18n
from app.casework.citizens.citizen_list import (
    SORT_KEYS,
    CitizenRow,
    fetch_citizen_rows,
    find_citizen_ids,
)
from app.casework.citizens.citizen_search import (
    FoundCitizens,
    citizen_matches,
    more_citizen_ids,
    search_citizens,
)
from app.domain.codes import TARGET_GROUPS
from app.domain.dates import local_today
from app.domain.search import search_terms
from app.i18n import N_, _
from app.store.engine import Database

if TYPE_CHECKING:
    from app.ui.operations import Operations

log = logging.getLogger(__name__)

Index = QModelIndex | QPersistentModelIndex

HEADERS = (N_("Name"), N_("CPR number"), N_("Born"), N_("Benefit"), N_("Caseworker"))
PAGE_SIZE = 100  # rows per fetch: two to three screens; a search repaints sooner
#: Row cache bound: pages beyond it are dropped, oldest first, so memory stays flat while scrolling.
MAX_CACHED_ROWS = 5_000
#: From this many rows a new order is found in the background (a few thousand sort in ~10 ms).
BACKGROUND_FROM_ROWS = 5_000
#: The key of the list's background reads, a search or a new order: a newer overtakes an older.
LIST_READ = "citizen-list"
#: A read for painting of more ids than this (a jump far down: Ctrl+End, the scroll bar dragged;
#: or scrolling on past thousands of rows, as each read takes as many again as were read) reads
#: the rest in the background; those rows show blank until it is there (at 100 000 citizens, read
#: on the window's thread, Ctrl+End in a search for "sen" stood it still 239 ms).
JUMP_ROWS = 2_000
REST_READ = "citizen-list-rest"
#: The roles as plain ints: ``data()`` is called ~1 500 times per repaint, so every lookup counts.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_USER = int(Qt.ItemDataRole.UserRole)
_BENEFIT_COLUMN = 3


_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


class _Search(TypedDict):
    """The model's search and order as the list's queries take them (``search_citizens``,
    ``more_citizen_ids``, ``find_citizen_ids``): one place that reads the filter and the order."""

    text: str
    caseworker_id: int | None
    sort: str
    descending: bool
    today: date


@dataclass(frozen=True)
class ListResult:
    """A search's result as the worker hands it over: the ids found, and the rows of the first
    page (read there too, so that painting the first screen reads nothing on the GUI thread)."""

    found: FoundCitizens
    rows: dict[int, CitizenRow]


@dataclass(frozen=True)
class _Wanted:
    """A search on its way in the background, and who gets its result."""

    search: str
    caseworker_id: int | None
    arrived: Callable[[ListResult], None]


class CitizenTableModel(QAbstractTableModel):
    """Citizens matching the current search, in the current order.

    Attributes:
        total: how many citizens the search found; ``rowCount() == total``.
        ids: citizen ids of the result, in display order (``len(ids) == total``). A broad search
            reads only its first rows (``search_citizens``); the rest are read when a row past
            them is shown or asked for (``citizen_id``, ``row_of``), and reading ``ids`` reads
            them all. Only ids are held for the whole result: 100 000 citizens cost ~1 MB.
        cache: id -> ``CitizenRow`` for rows that have been shown. ``data()`` fills it a page
            (``PAGE_SIZE`` rows around the asked row) at a time with one query; the formatted
            cells of a cached row are kept beside it, so a repaint formats nothing again.
        search, caseworker_id: the current filter; ``caseworker_id=None`` means all citizens.
        sort_key, descending: the current order; ``sort()`` re-runs the id query with ORDER BY.

    After a write, ``invalidate(ids)`` marks rows stale (they are re-read when next shown) and
    ``refresh()`` re-runs the query keeping the filter and order; the model is reset only then.

    A search can also run in the background (``find``): the query and the first page's rows are
    read in a worker thread, and the caller shows the result (``show``, on the GUI thread: the
    reset; the first screen is painted from the cache). Until then the list shows the rows it
    had, under the filter it had; a sort meanwhile searches again in the new order, and a newer
    search overtakes it.
    """

    def __init__(
        self, db: Database, *, today: date | None = None, ops: Operations | None = None, parent=None
    ) -> None:
        super().__init__(parent)
        self.db = db
        #: Runs a new order of a long list in the background (``None``: always at once).
        self.ops = ops
        self._today = today
        self._ids: list[int] = []  # the ids read so far, from the first row on
        self.total = 0
        self.cache: dict[int, CitizenRow] = {}
        self._cells: dict[int, tuple[str, ...]] = {}
        self.search = ""
        self.caseworker_id: int | None = None
        self.sort_key = "name"
        self.descending = False
        #: False until the first ``refresh``: a sort before it only sets the order that read uses
        self.read_once = False
        self._wanted: _Wanted | None = None  # the search on its way in the background
        self._resets = 0  # results shown: an order found for an earlier one is not applied
        self._reading_rest: int | None = None  # the result whose rest is read in the background

    def today(self) -> date:
        return self._today or local_today()

    # --- the query -------------------------------------------------------------------------
    def set_filter(
        self, search: str, caseworker_id: int | None, *, only_if_changed: bool = False
    ) -> bool:
        """Filter by ``search`` and caseworker now; True when the list was searched again.

        ``only_if_changed`` skips the query when the result would be the same: the terms are
        unchanged (a first letter, a trailing space, a letter too short to count)."""
        same = self.finds_the_same(search, caseworker_id)
        if only_if_changed and same:
            self.search = search
            return False
        self.show(search, caseworker_id, self.finder(search, caseworker_id)())
        return True

    def _search(self, text: str, caseworker_id: int | None) -> _Search:
        """A search for ``text`` in the current order (a copy: a background read takes it along)."""
        return _Search(
            text=text,
            caseworker_id=caseworker_id,
            sort=self.sort_key,
            descending=self.descending,
            today=self.today(),
        )

    def refresh(self) -> None:
        """Re-run the search (after a write or a filter change); forget cached rows."""
        self.show(self.search, self.caseworker_id, self.finder(self.search, self.caseworker_id)())

    def finds_the_same(self, search: str, caseworker_id: int | None) -> bool:
        """Whether searching for ``search`` would find what the list shows, or what the search
        on its way will show: the same caseload and the same terms."""
        wanted = self._wanted
        shown, worker = (wanted.search, wanted.caseworker_id) if wanted else (
            self.search, self.caseworker_id,
        )  # fmt: skip
        return caseworker_id == worker and search_terms(search) == search_terms(shown)

    def searching(self) -> bool:
        """Whether a search is on its way in the background."""
        return self._wanted is not None

    def finder(self, search: str, caseworker_id: int | None) -> Callable[[], ListResult]:
        """The search's query in the current order and its first page of rows, for any thread
        (it touches no Qt object)."""
        db, wanted = self.db, self._search(search, caseworker_id)

        def find() -> ListResult:
            found = search_citizens(db, **wanted)
            rows = fetch_citizen_rows(db, found.ids[:PAGE_SIZE], today=wanted["today"])
            return ListResult(found, rows)

        return find

    def find(
        self,
        search: str,
        caseworker_id: int | None,
        arrived: Callable[[ListResult], None],
        *,
        background: bool = True,
    ) -> None:
        """Run the search through the operations runner (in the background unless told not to)
        and hand its result to ``arrived`` on the GUI thread, which shows it (``show``). A newer
        search, or a new order, overtakes this one: its result is then never handed over."""
        work = self.finder(search, caseworker_id)
        if self.ops is None:
            arrived(work())
            return
        self._wanted = _Wanted(search, caseworker_id, arrived)

        def done(result: ListResult) -> None:
            self._wanted = None
            arrived(result)

        def refused(_error: Exception) -> None:  # the runner shows why
            self._wanted = None

        self.ops.read(LIST_READ, work, done, background=background, failed=refused, owner=self)

    def show(self, search: str, caseworker_id: int | None, result: ListResult) -> None:
        """Show a search's result: the model is reset (rows past the first page are read when
        painted)."""
        self.search, self.caseworker_id = search, caseworker_id
        self.read_once = True
        self._resets += 1
        self.beginResetModel()
        self._set_found(result.found)
        self.cache.clear()
        self._cells.clear()
        self.cache.update(result.rows)
        self.endResetModel()

    def _set_found(self, found: FoundCitizens) -> None:
        self._ids, self.total = found.ids, found.total

    @property
    def ids(self) -> list[int]:
        """Every id of the result in display order (reads the rest of a broad search)."""
        self._read_to(self.total)
        return self._ids

    def first_ids(self, count: int) -> list[int]:
        """The first ``count`` ids of the result (what the search's access-log entry names)."""
        self._read_to(count)
        return self._ids[:count]

    def _read_to(self, count: int, *, wait: bool = True) -> None:
        """Make sure the first ``count`` rows' ids are read: at least as many again as were read
        so far, so that scrolling down a long result reads it in a few steps. Unless ``wait``
        (painting), a jump far past them reads the rest in the background (``JUMP_ROWS``)."""
        count = min(count, self.total)
        if len(self._ids) >= count:
            return
        limit = max(count - len(self._ids), len(self._ids))
        if not wait and self.ops is not None and limit > JUMP_ROWS:
            self._read_rest()
            return
        search = self._search(self.search, self.caseworker_id)
        more = more_citizen_ids(self.db, **search, offset=len(self._ids), limit=limit)
        self._ids.extend(more)
        if len(more) < limit and len(self._ids) < self.total:  # deleted meanwhile: those rows
            log.info("the citizen list ended at %d of %d rows", len(self._ids), self.total)
            self.total = len(self._ids)  # stay empty until the next search, and ids is whole

    def _read_rest(self) -> None:
        """Read every id not read yet in the background; the rows past them are painted blank
        meanwhile and again when it is here (unless another result was shown meanwhile)."""
        if self._reading_rest == self._resets or self.ops is None:
            return
        db, offset, resets = self.db, len(self._ids), self._resets
        self._reading_rest = resets
        search, limit = self._search(self.search, self.caseworker_id), self.total - offset

        def rest() -> list[int]:
            return more_citizen_ids(db, **search, offset=offset, limit=limit)

        def arrived(more: list[int]) -> None:
            if self._reading_rest == resets:
                self._reading_rest = None
            if resets != self._resets or len(self._ids) != offset:
                return  # another list, or read meanwhile: the next paint asks again
            self._ids.extend(more)
            if len(self._ids) < self.total:  # deleted meanwhile: the rows past them stay empty
                log.info("the citizen list ended at %d of %d rows", len(self._ids), self.total)
            last = self.index(max(0, self.total - 1), len(HEADERS) - 1)
            self.dataChanged.emit(self.index(offset, 0), last)

        def refused(_error: Exception) -> None:  # the runner shows why
            if self._reading_rest == resets:
                self._reading_rest = None

        self.ops.read(REST_READ, rest, arrived, failed=refused, owner=self)

    def invalidate(self, citizen_ids: set[int] | None = None) -> None:
        """Mark rows stale so that they are read again; ``None`` = all rows."""
        if citizen_ids is None:
            self.cache.clear()
            self._cells.clear()
        else:
            for citizen_id in citizen_ids:
                self.cache.pop(citizen_id, None)
                self._cells.pop(citizen_id, None)
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, len(HEADERS) - 1))

    def row_of(self, citizen_id: int) -> int:
        """The citizen's row, or -1 when the search did not find them (a row past those read is
        read only when the citizen is found: one row looked up)."""
        while True:
            try:
                return self._ids.index(citizen_id)
            except ValueError:
                pass
            if len(self._ids) >= self.total or not citizen_matches(
                self.db, citizen_id, self.search, caseworker_id=self.caseworker_id
            ):
                return -1
            read = len(self._ids)
            self._read_to(max(2 * read, read + PAGE_SIZE))
            if len(self._ids) == read:
                return -1

    def citizen_id(self, row: int) -> int | None:
        if not 0 <= row < self.total:
            return None
        self._read_to(row + 1)
        return self._ids[row] if row < len(self._ids) else None

    # --- Qt model interface ----------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.total

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return _(HEADERS[section])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Combined once: Python's enum "|" costs more than the rest of a cell's paint.
        return _FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: Index, role: int = _DISPLAY):
        if role == _DISPLAY:
            cells = self._cells_of(index.row())
            return None if cells is None else cells[index.column()]
        if role == _TOOLTIP:
            row_number = index.row()
            cells = self._cells_of(row_number)
            if cells is None:
                return None
            if index.column() == _BENEFIT_COLUMN:
                row = self.cache[self._ids[row_number]]
                if row.benefit_since:
                    return _("{benefit} since {date}").format(
                        benefit=i18n.label(TARGET_GROUPS, row.benefit),
                        date=i18n.format_date(row.benefit_since),
                    )
            return cells[index.column()]
        if role == _USER:
            return self.citizen_id(index.row())
        return None

    def _cells_of(self, row_number: int) -> tuple[str, ...] | None:
        """The row's five cells as shown (formatted once per fetch of the row)."""
        if not 0 <= row_number < self.total:  # an invalid index has row -1
            return None
        self._read_to(row_number + 1, wait=False)
        if row_number >= len(self._ids):  # far past the rows read: on its way
            return None
        citizen_id = self._ids[row_number]
        cells = self._cells.get(citizen_id)
        if cells is None:
            row = self._row(row_number)
            if row is None:
                return None
            cells = (
                row.name,
                f"{row.cpr[:6]}-{row.cpr[6:]}",
                i18n.format_short_date(row.birth_date),
                i18n.label(TARGET_GROUPS, row.benefit) if row.benefit else _("(no benefit now)"),
                row.caseworker or "",
            )
            self._cells[citizen_id] = cells
        return cells

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the list by a column: a long list, and any list on a team server, is ordered in
        the background (a sort by benefit of 100 000 citizens takes longer than a GUI should
        stand still), and the rows move when the new order is there."""
        if not 0 <= column < len(SORT_KEYS):
            return
        self.sort_key = SORT_KEYS[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        if not self.read_once:  # the view's set-up (``setSortingEnabled``, the sort indicator)
            return  # sorts before the page sets its filter: each ran the query for everybody
        wanted = self._wanted
        if wanted is not None:  # a search is on its way: it is run again, in the new order
            self.find(wanted.search, wanted.caseworker_id, wanted.arrived)
            return
        db, search = self.db, self._search(self.search, self.caseworker_id)

        def ordered() -> list[int]:
            return find_citizen_ids(db, **search)

        # On a team server the query's cost is not the rows shown: row-level security reads the
        # whole citizen table to find a caseworker's 111 citizens (a sort held the window still
        # 65-330 ms at 100 000 citizens), and every query crosses the network.
        if self.ops is not None and (self.total >= BACKGROUND_FROM_ROWS or not db.is_sqlite):
            resets = self._resets
            self.ops.read(LIST_READ, ordered, lambda ids: self._reorder(ids, resets), owner=self)
        else:
            self._reorder(ordered(), self._resets)

    def _reorder(self, ids: list[int], resets: int) -> None:
        """Show the same citizens in a new order, keeping selections on their citizens (unless
        another result was shown meanwhile: the order was found for the one before)."""
        if resets != self._resets:
            return
        self.layoutAboutToBeChanged.emit()  # the view's selection becomes persistent indexes
        old = self.persistentIndexList()
        old_ids = [self.citizen_id(i.row()) for i in old]
        self._set_found(FoundCitizens(len(ids), ids))
        position = _positions(ids, {cid for cid in old_ids if cid is not None})
        new = [
            self.index(position[cid], i.column()) if cid in position else QModelIndex()
            for i, cid in zip(old, old_ids, strict=True)
        ]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    # --- the row cache ---------------------------------------------------------------------
    def _row(self, row: int) -> CitizenRow | None:
        citizen_id = self._ids[row]
        cached = self.cache.get(citizen_id)
        if cached is not None:
            return cached
        start = max(0, row - PAGE_SIZE // 4)
        self._read_to(start + PAGE_SIZE, wait=False)
        page = [i for i in self._ids[start : start + PAGE_SIZE] if i not in self.cache]
        if len(self.cache) + len(page) > MAX_CACHED_ROWS:
            for old in list(self.cache)[: len(page)]:
                del self.cache[old]
                self._cells.pop(old, None)
        self.cache.update(fetch_citizen_rows(self.db, page, today=self.today()))
        return self.cache.get(citizen_id)


#: Up to this many citizens kept selected are each found by a scan in C (at most 20 ms at
#: 300 000 citizens); more by a map of the whole order, a Python loop of 50-90 ms.
_SCANNED = 8


def _positions(ids: list[int], wanted: set[int]) -> dict[int, int]:
    """Row of each wanted citizen in ``ids`` (those not there are left out). One selected row
    is the usual case: a map of the whole order for it held the GUI thread 80-100 ms at
    300 000 citizens."""
    if len(wanted) > _SCANNED:
        return {cid: row for row, cid in enumerate(ids) if cid in wanted}
    found = {}
    for cid in wanted:
        with contextlib.suppress(ValueError):  # not in the new order
            found[cid] = ids.index(cid)
    return found
