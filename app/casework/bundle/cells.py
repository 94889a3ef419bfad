"""Reading and writing single CSV cells of the bundle.

Readers are lenient where people's spreadsheets differ (``dd-mm-yyyy``, ``ja/nej``, a decimal
comma or point); the writer is strict and canonical (ISO dates, ``yes/no``, a decimal comma), so
export → import → export gives identical bytes. An empty cell always means "none".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from app.domain.codes import VOCABULARIES, check_code
from app.domain.dates import LOCAL_ZONE
from app.domain.errors import ValidationError
from app.domain.identifiers import format_cpr, is_valid_cpr, normalise_cpr, normalise_cvr
from app.reports.safe_cells import neutralise_reversibly

Reader = Callable[[str], Any]

#: The largest whole number a cell may hold (PostgreSQL's INTEGER).
LARGEST_INT = 2**31 - 1


#: Characters no cell may hold: C0/C1 controls (ESC would reach a terminal raw) and the
#: invisible direction overrides and isolates that make a name read backwards on screen.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: In a one-line value (a name, a title) line breaks and tabs are refused too.
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")


def check_characters(value: str, *, multiline: bool) -> None:
    """Refuse control characters and bidi overrides, naming the character and where it is."""
    found = _CONTROL.search(value) or (None if multiline else _LINE_BREAK.search(value))
    if found is None:
        return
    char = found.group()
    if char == "\x00":  # PostgreSQL cannot store it; never meant
        raise ValidationError("The text holds a NUL character (code 0)")
    if "\u202a" <= char <= "\u202e" or "\u2066" <= char <= "\u2069":
        raise ValidationError(
            "The text holds an invisible direction override (U+{code:04X}) at character "
            "{position}, which can make it read backwards on screen; remove it",
            code=ord(char),
            position=found.start() + 1,
        )
    raise ValidationError(
        "The text holds a control character (code {code}) at character {position}; remove it",
        code=ord(char),
        position=found.start() + 1,
    )


def text(max_length: int | None = None, *, multiline: bool = False) -> Reader:
    """Trimmed text (empty = none), refused above the database column's length or with control
    characters; ``multiline`` (notes, the plan's texts) allows line breaks and tabs."""

    def reader(raw: str) -> str | None:
        value = raw.strip() or None
        if value is None:
            return None
        check_characters(value, multiline=multiline)
        if max_length is not None and len(value) > max_length:
            raise ValidationError("The text is too long (at most {max} characters)", max=max_length)
        return value

    return reader


read_text = text(multiline=True)


def read_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise ValidationError("{value!r} is not a whole number", value=raw)
    value = int(raw)
    if abs(value) > LARGEST_INT:  # the database's integer column would overflow
        raise ValidationError("{value!r} is too large", value=raw)
    return value


def read_float(raw: str) -> float | None:
    """A number with ``.`` or (in ``;`` files, as Danish Excel writes it) ``,`` as decimal mark."""
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise ValidationError("{value!r} is not a number", value=raw)
    return value


_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


#: The same CPR numbers, CVR numbers and dates recur on many rows; checking each once is enough.
#: The caches last one import (``forget``).
_remembered = lru_cache(maxsize=1 << 16)


#: Dates a jobcenter's data can hold; outside them a date is a typing error (``0202-03-05``).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _in_range(value: date, raw: str) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            "{value!r} is outside the years {first}–{last}",
            value=raw,
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )


@_remembered
def read_date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    value = None
    try:
        match = _DMY.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            value = date(year, month, day)
        elif _ISO.match(raw):
            value = date.fromisoformat(raw)
    except ValueError:
        pass
    if value is None:
        raise ValidationError(
            "{value!r} is not a date; write it as 2026-11-23 or 23-11-2026", value=raw
        )
    _in_range(value, raw)
    return value


@_remembered
def read_datetime(raw: str) -> datetime | None:
    """A local (Copenhagen) wall-clock time, ``2026-11-23T10:30`` or ``2026-11-23 10:30``; a time
    the clocks skip in spring, or pass twice in autumn, is refused (it names no one instant)."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise ValidationError(
            "{value!r} is not a date and time; write it as 2026-11-23T10:30", value=raw
        ) from None
    if value.tzinfo is not None:
        raise ValidationError(
            "{value!r}: give the local Danish time without a time zone", value=raw
        )
    _in_range(value.date(), raw)
    _check_wall_clock(value, raw)
    return value


def _check_wall_clock(value: datetime, raw: str) -> None:
    early, late = (value.replace(tzinfo=LOCAL_ZONE, fold=f) for f in (0, 1))
    there_and_back = early.astimezone(UTC).astimezone(LOCAL_ZONE).replace(tzinfo=None)
    if there_and_back != value:  # in the spring gap both folds name a time that is not there
        raise ValidationError(
            "{value!r} does not exist in Danish time (the clocks jump from 02:00 to 03:00 that "
            "night); give a time outside 02:00–03:00",
            value=raw,
        )
    if early.utcoffset() != late.utcoffset():
        raise ValidationError(
            "{value!r} happens twice in Danish time (the clocks go back from 03:00 to 02:00 that "
            "night), so it names no single moment; give a time outside 02:00–03:00",
            value=raw,
        )


_TRUE = {"yes", "ja", "true", "1", "y", "j"}
_FALSE = {"no", "nej", "false", "0", "n"}


def read_bool(raw: str) -> bool | None:
    raw = raw.strip().lower()
    if not raw:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValidationError("{value!r} is not yes or no", value=raw)


def read_code(vocabulary: str) -> Reader:
    """A code of one of ``app.domain.codes``' vocabularies (the bundle uses the same codes)."""

    codes = VOCABULARIES[vocabulary]

    def reader(raw: str) -> str | None:
        raw = raw.strip()
        if not raw or raw in codes:
            return raw or None
        return check_code(vocabulary, raw)  # raises, naming the allowed codes

    return reader


#: A kommune's citizens, each named on many rows of many files: a cache smaller than the bundle's
#: citizens thrashed (at 100 000 citizens nearly every CPR cell was checked again, 8 s of an import).
_CPR_CELLS = 1 << 19


@lru_cache(maxsize=_CPR_CELLS)
def read_cpr(raw: str) -> str | None:
    """A CPR number; nine digits whose zero-padded form is a valid CPR number are what a
    spreadsheet leaves of one that began with 0, and are refused naming that cause and the fix
    (``fix_leading_zero`` repairs them when the user asks for it)."""
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) == 9 and raw.isdigit() and is_valid_cpr("0" + raw):
        raise ValidationError(
            "{value!r} has 9 digits: a spreadsheet dropped the leading zero of {fixed}. Format "
            "the CPR column as text before saving, or import with --fix-leading-zeros",
            field="cpr",
            value=raw,
            fixed=format_cpr("0" + raw),
        )
    return normalise_cpr(raw)


def fix_leading_zero(raw: str) -> str:
    """``--fix-leading-zeros``: nine digits that are a CPR number without its leading 0 get it."""
    stripped = raw.strip()
    if len(stripped) == 9 and stripped.isdigit() and is_valid_cpr("0" + stripped):
        return "0" + stripped
    return raw


@_remembered
def read_cvr(raw: str) -> str | None:
    return normalise_cvr(raw) if raw.strip() else None


_initials_text = text(12)


def read_initials(raw: str) -> str | None:
    """Initials as stored (upper case), so ``kl`` in a spreadsheet finds ``KL``."""
    value = _initials_text(raw)
    return value.upper() if value else None


def write_value(value: Any) -> str:
    """The canonical text of a cell (numbers with a decimal comma, as the export's ``;`` CSV
    convention has it, ``app.reports.csv_convention``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    if isinstance(value, str):  # safe to open in a spreadsheet; the reader undoes it exactly
        return neutralise_reversibly(value)
    return str(value)


def forget() -> None:
    """Empty the cells' caches after an import (a large bundle's numbers would stay in memory)."""
    for remembered in (read_date, read_datetime, read_cpr, read_cvr):
        remembered.cache_clear()
