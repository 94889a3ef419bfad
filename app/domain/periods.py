"""Reporting periods as team leads write them: ``2024-03``, ``2024-Q1``, ``2024`` or
``2024-01-01..2024-06-30``; and the period to compare with (the previous one, or last year's)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.domain.dates import add_months
from app.domain.errors import ValidationError


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date  # the last day, inclusive
    label: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> ReportPeriod:
        """The period of the same length just before (a month before a month, a quarter before a quarter)."""
        months = _whole_months(self)
        if months:
            start = add_months(self.start, -months)
            return ReportPeriod(start, self.start - timedelta(days=1), _label(start, months))
        start = self.start - timedelta(days=self.days)
        return ReportPeriod(
            start,
            self.start - timedelta(days=1),
            f"{start.isoformat()}..{(self.start - timedelta(days=1)).isoformat()}",
        )

    def last_year(self) -> ReportPeriod:
        start, end = (
            add_months(self.start, -12),
            add_months(self.end + timedelta(days=1), -12) - timedelta(days=1),
        )
        months = _whole_months(self)
        return ReportPeriod(
            start,
            end,
            _label(start, months) if months else f"{start.isoformat()}..{end.isoformat()}",
        )

    def up_to(self, as_of: date) -> ReportPeriod | None:
        """The part of the period until ``as_of`` (inclusive): the period itself when it is over,
        None when it has not begun. Figures for days not yet lived would count ongoing spells as
        if they went on, so a period is only counted up to the day it is evaluated."""
        if as_of >= self.end:
            return self
        if as_of < self.start:
            return None
        return ReportPeriod(self.start, as_of, f"{self.start.isoformat()}..{as_of.isoformat()}")

    def months(self) -> list[ReportPeriod]:
        """The calendar months that the period covers (for trend charts)."""
        out, cursor = [], date(self.start.year, self.start.month, 1)
        while cursor <= self.end:
            nxt = add_months(cursor, 1)
            out.append(
                ReportPeriod(
                    max(cursor, self.start),
                    min(nxt - timedelta(days=1), self.end),
                    cursor.strftime("%Y-%m"),
                )
            )
            cursor = nxt
        return out


def _whole_months(period: ReportPeriod) -> int:
    if period.start.day != 1 or (period.end + timedelta(days=1)).day != 1:
        return 0
    nxt = period.end + timedelta(days=1)
    return (nxt.year - period.start.year) * 12 + nxt.month - period.start.month


def _label(start: date, months: int) -> str:
    if months == 12 and start.month == 1:
        return str(start.year)
    if months == 3 and start.month in (1, 4, 7, 10):
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if months == 1:
        return start.strftime("%Y-%m")
    end = add_months(start, months) - timedelta(days=1)
    return f"{start.isoformat()}..{end.isoformat()}"


def parse_period(text: str) -> ReportPeriod:
    raw = (text or "").strip()
    try:
        if m := re.fullmatch(r"(\d{4})", raw):
            year = int(m.group(1))
            return ReportPeriod(date(year, 1, 1), date(year, 12, 31), raw)
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", raw):
            start = date(int(m.group(1)), 3 * int(m.group(2)) - 2, 1)
            return ReportPeriod(start, add_months(start, 3) - timedelta(days=1), raw.upper())
        if m := re.fullmatch(r"(\d{4})-(\d{2})", raw):
            start = date(int(m.group(1)), int(m.group(2)), 1)
            return ReportPeriod(start, add_months(start, 1) - timedelta(days=1), raw)
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", raw):
            start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
            if end < start:
                raise ValidationError(
                    "The period ends ({end}) before it starts ({start})",
                    field="period",
                    start=start.isoformat(),
                    end=end.isoformat(),
                )
            return ReportPeriod(start, end, raw)
    except ValueError:
        pass
    raise ValidationError(
        "{text!r} is not a period; write 2024, 2024-Q1, 2024-03 or 2024-01-01..2024-06-30",
        field="period",
        text=raw,
    )
