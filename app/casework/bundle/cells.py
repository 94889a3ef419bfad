"""Reading and writing single CSV cells of the bundle.

Readers are lenient where people's spreadsheets differ (``dd-mm-yyyy``, ``ja/nej``, a decimal
comma in ``;`` files); the writer is strict and canonical (ISO dates, ``yes/no``, ``.`` decimals),
so export → import → export gives identical bytes. An empty cell always means "none".
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from app.domain.codes import VOCABULARIES, check_code
from app.domain.errors import ValidationError
from app.domain.identifiers import normalise_cpr, normalise_cvr
from app.reports.safe_cells import neutralise_reversibly

Reader = Callable[[str], Any]

#: The largest whole number a cell may hold (PostgreSQL's INTEGER).
LARGEST_INT = 2**31 - 1


def text(max_length: int | None = None) -> Reader:
    """Trimmed text (empty = none), refused above the database column's length."""

    def reader(raw: str) -> str | None:
        value = raw.strip() or None
        if value is not None and "\x00" in value:  # PostgreSQL cannot store it; never meant
            raise ValidationError("The text holds a NUL character (code 0)")
        if value is not None and max_length is not None and len(value) > max_length:
            raise ValidationError("The text is too long (at most {max} characters)", max=max_length)
        return value

    return reader


read_text = text()


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
_remembered = lru_cache(maxsize=1 << 16)


@_remembered
def read_date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        match = _DMY.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if _ISO.match(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValidationError(
        "{value!r} is not a date; write it as 2026-11-23 or 23-11-2026", value=raw
    )


def read_datetime(raw: str) -> datetime | None:
    """A local (Copenhagen) wall-clock time, ``2026-11-23T10:30`` or ``2026-11-23 10:30``."""
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
    return value


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


@_remembered
def read_cpr(raw: str) -> str | None:
    return normalise_cpr(raw) if raw.strip() else None


@_remembered
def read_cvr(raw: str) -> str | None:
    return normalise_cvr(raw) if raw.strip() else None


_initials_text = text(12)


def read_initials(raw: str) -> str | None:
    """Initials as stored (upper case), so ``kl`` in a spreadsheet finds ``KL``."""
    value = _initials_text(raw)
    return value.upper() if value else None


def write_value(value: Any) -> str:
    """The canonical text of a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, str):  # safe to open in a spreadsheet; the reader undoes it exactly
        return neutralise_reversibly(value)
    return str(value)
