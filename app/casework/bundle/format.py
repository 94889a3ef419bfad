"""The CSV bundle's public format: file names, columns and how each cell is read and written.

This is a contract other tools rely on (README "CSV bundle"): names and codes never change.
Readers are lenient where people's spreadsheets differ (BOM, ``;``, ``dd-mm-yyyy``, ``ja/nej``);
the writer is strict and canonical (UTF-8 without BOM, ``,``, ISO dates, ``yes/no``), so that
export → import → export gives identical files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.domain.codes import check_code
from app.domain.errors import ValidationError
from app.domain.identifiers import normalise_cpr, normalise_cvr

Reader = Callable[[str], Any]


def read_text(raw: str) -> str | None:
    return raw.strip() or None


def read_int(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not re.fullmatch(r"-?\d+", raw):
        raise ValidationError("{value!r} is not a whole number", value=raw)
    return int(raw)


def read_float(raw: str) -> float | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValidationError("{value!r} is not a number", value=raw) from None


_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


def read_date(raw: str) -> date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        match = _DMY.match(raw)
        if match:
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
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
    def reader(raw: str) -> str | None:
        raw = raw.strip()
        return check_code(vocabulary, raw) if raw else None

    return reader


def read_cpr(raw: str) -> str | None:
    return normalise_cpr(raw) if raw.strip() else None


def read_cvr(raw: str) -> str | None:
    return normalise_cvr(raw) if raw.strip() else None


def write_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S" if value.second else "%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text
    return str(value)


@dataclass(frozen=True)
class Column:
    name: str
    read: Reader
    required: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, read: Reader = read_text, required: bool = False) -> Column:
    return Column(name, read, required)


#: Every file of the bundle, in the order they are read (referenced files first).
FILES: tuple[FileSpec, ...] = (
    FileSpec(
        "caseworkers.csv",
        (
            _c("initials", required=True),
            _c("name", required=True),
            _c("team"),
            _c("role", read_code("role")),
            _c("email"),
            _c("phone"),
        ),
    ),
    FileSpec(
        "companies.csv",
        (
            _c("cvr", read_cvr, True),
            _c("name", required=True),
            _c("address"),
            _c("postal_code"),
            _c("city"),
            _c("employees", read_int),
        ),
    ),
    FileSpec(
        "citizens.csv",
        (
            _c("cpr", read_cpr, True),
            _c("first_name", required=True),
            _c("last_name", required=True),
            _c("address"),
            _c("postal_code"),
            _c("city"),
            _c("phone"),
            _c("email"),
            _c("language", read_code("language")),
            _c("caseworker"),
            _c("refugee_or_reunified", read_bool),
            _c("refugee_year", read_int),
            _c("disability", read_bool),
            _c("digital_post_exempt", read_bool),
        ),
    ),
    FileSpec(
        "spells.csv",
        (
            _c("cpr", read_cpr, True),
            _c("target_group", read_code("target_group"), True),
            _c("start", read_date, True),
            _c("end", read_date),
            _c("end_reason"),
            _c("visited_to_jobcenter", read_bool),
            _c("early_followup_requested_on", read_date),
            _c("exempt_75", read_bool),
            _c("exempt_75_reason"),
            _c("agreed_contact_days", read_int),
        ),
    ),
    FileSpec(
        "plans.csv",
        (
            _c("cpr", read_cpr, True),
            _c("job_goal"),
            _c("education_goal"),
            _c("own_words"),
            _c("job_search"),
            _c("stabilising"),
            _c("other_efforts"),
            _c("updated_on", read_date),
        ),
    ),
    FileSpec(
        "milestones.csv",
        (
            _c("cpr", read_cpr, True),
            _c("title", required=True),
            _c("due", read_date),
            _c("status", read_code("milestone_status")),
            _c("completed_on", read_date),
        ),
    ),
    FileSpec(
        "offers.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("offer_kind"), True),
            _c("company_cvr", read_cvr),
            _c("title"),
            _c("offered_on", read_date),
            _c("start", read_date),
            _c("planned_end", read_date),
            _c("actual_end", read_date),
            _c("hours_per_week", read_float),
            _c("status", read_code("offer_status")),
        ),
    ),
    FileSpec(
        "conversations.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("conversation_kind")),
            _c("scheduled_at", read_datetime),
            _c("held_on", read_date),
            _c("status", read_code("conversation_status")),
            _c("channel", read_code("channel")),
            _c("held_by", read_code("held_by")),
            _c("with_a_kasse", read_bool),
            _c("caseworker"),
            _c("note"),
        ),
    ),
    FileSpec(
        "employment.csv",
        (
            _c("cpr", read_cpr, True),
            _c("kind", read_code("employment_kind"), True),
            _c("company_cvr", read_cvr),
            _c("start", read_date, True),
            _c("end", read_date),
            _c("hours_per_week", read_float),
            _c("completed", read_bool),
        ),
    ),
    FileSpec(
        "company_contacts.csv",
        (
            _c("cvr", read_cvr, True),
            _c("date", read_date, True),
            _c("kind", read_code("company_contact_kind"), True),
            _c("caseworker"),
            _c("led_to_offer", read_bool),
        ),
    ),
    FileSpec(
        "recruitment_orders.csv",
        (
            _c("cvr", read_cvr, True),
            _c("received_on", read_date, True),
            _c("title", required=True),
            _c("positions", read_int),
            _c("status", read_code("recruitment_order_status")),
            _c("closed_on", read_date),
        ),
    ),
    FileSpec(
        "journal.csv",
        (
            _c("cpr", read_cpr, True),
            _c("written_on", read_date, True),
            _c("caseworker"),
            _c("text", required=True),
        ),
    ),
)
FILE_NAMES = tuple(spec.name for spec in FILES)
SPECS = {spec.name: spec for spec in FILES}

#: Paid hours (småjob) are kept per month; the bundle's column is per week (a weekly average).
WEEKS_PER_MONTH = 52 / 12
