"""Date arithmetic shared by every rule: month addition with clamping, periods, local time.

``add_months`` keeps the day of month and clamps to the month's last day (31 Aug + 6 months =
28 Feb, or 29 Feb in a leap year), as ``shared/domain.md`` §4 prescribes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from app.domain.errors import ValidationError

#: Jobcenters are in Denmark: wall-clock times (bookings) are Copenhagen time.
LOCAL_ZONE = ZoneInfo("Europe/Copenhagen")


@lru_cache(maxsize=65_536)
def add_months(start: date, months: int) -> date:
    """``start`` plus a number of calendar months, clamped to the last day of the target month.

    Cached: deadline computations over a whole jobcenter ask for the same few thousand dates."""
    index = start.year * 12 + (start.month - 1) + months
    year, month0 = divmod(index, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


@dataclass(frozen=True, slots=True)
class Period:
    """A closed interval of days; ``end`` None means open-ended (ongoing)."""

    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise ValidationError(
                "End date {end} is before start date {start}",
                field="end",
                start=self.start.isoformat(),
                end=self.end.isoformat(),
            )

    def contains(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def overlaps(self, other: Period) -> bool:
        self_end = self.end or date.max
        other_end = other.end or date.max
        return self.start <= other_end and other.start <= self_end

    def days_within(self, window: Period) -> int:
        """Days of this period inside ``window`` (both inclusive); ``window`` must be closed."""
        assert window.end is not None
        start = max(self.start, window.start)
        end = min(self.end or date.max, window.end)
        return max(0, (end - start).days + 1)


def check_period(start: date | None, end: date | None, *, field: str = "end") -> None:
    """Refuse an end date before its start date (both inclusive days)."""
    if start is not None and end is not None and end < start:
        raise ValidationError(
            "End date {end} is before start date {start}",
            field=field,
            start=start.isoformat(),
            end=end.isoformat(),
        )


def utc_now() -> datetime:
    """Aware UTC 'now': instants are stored in UTC in every backend."""
    return datetime.now(UTC)


def local_today() -> date:
    """Today in Denmark: the jobcenter's day, whatever zone the machine is set to (a terminal
    server or a container often runs in UTC, where 23:30 in Copenhagen is still yesterday)."""
    return datetime.now(LOCAL_ZONE).date()


def local_to_utc(local: datetime) -> datetime:
    """A Copenhagen wall-clock time (naive = Copenhagen, or aware) as aware UTC for storage."""
    if local.tzinfo is None:
        local = local.replace(tzinfo=LOCAL_ZONE)
    return local.astimezone(UTC)


def utc_to_local(instant: datetime) -> datetime:
    """A stored instant (naive = UTC) as a naive Copenhagen wall-clock time for display/export."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def days(n: int) -> timedelta:
    return timedelta(days=n)


_DAY_FIRST = (
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%d.%m.%y",
    "%d-%m-%y",
    "%d/%m/%y",
    "%d%m%Y",
    "%d%m%y",
)


def parse_user_date(text: str, today: date) -> date | None:
    """A date as a caseworker types it: ``23.11.2026``, ``23-11-26``, ``2026-11-23``, ``23.11``
    (this year), ``+7`` / ``-3`` (days from today), ``i dag``/``today``. Empty gives None.

    Raises ``ValidationError`` for text that is not a date.
    """
    raw = (text or "").strip().lower()
    if not raw:
        return None
    if raw in {"i dag", "idag", "today", "d.d."}:
        return today
    if raw in {"i morgen", "imorgen", "tomorrow"}:
        return today + timedelta(days=1)
    if raw[0] in "+-" and raw[1:].isdigit():
        return today + timedelta(days=int(raw))
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    for fmt in _DAY_FIRST:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    for sep in ".-/":
        parts = raw.split(sep)
        if len(parts) == 2 and all(p.isdigit() for p in parts):
            try:
                return date(today.year, int(parts[1]), int(parts[0]))
            except ValueError:
                break
    raise ValidationError(
        "{text!r} is not a date; write it as 23/11/2026", field="date", text=text.strip()
    )


def parse_user_time(text: str) -> tuple[int, int]:
    """``10:30``, ``10.30``, ``1030`` or ``10`` as (hour, minute); raises ``ValidationError``."""
    raw = (text or "").strip().replace(".", ":")
    try:
        if ":" in raw:
            hour_text, minute_text = raw.split(":", 1)
            hour, minute = int(hour_text), int(minute_text)
        elif raw.isdigit() and len(raw) in (3, 4):
            hour, minute = int(raw[:-2]), int(raw[-2:])
        else:
            hour, minute = int(raw), 0
    except ValueError:
        raise ValidationError(
            "{text!r} is not a time of day; write it as 10:30", field="time", text=raw
        ) from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValidationError(
            "{text!r} is not a time of day; write it as 10:30", field="time", text=raw
        )
    return hour, minute
