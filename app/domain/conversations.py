"""Conversations (samtaler): booking and recording rules (BEK 442/2023 § 20 registration)."""

from __future__ import annotations

from datetime import date, datetime

from app.domain.codes import check_code
from app.domain.errors import ValidationError

#: A working day's opening hours for bookings (local time).
EARLIEST_HOUR, LATEST_HOUR = 7, 18


def check_booking(kind: str, channel: str, held_by: str, when_local: datetime) -> None:
    check_code("conversation_kind", kind)
    check_code("channel", channel)
    check_code("held_by", held_by)
    if not EARLIEST_HOUR <= when_local.hour < LATEST_HOUR:
        raise ValidationError(
            "Book the conversation between {start}:00 and {end}:00",
            field="scheduled_at",
            start=EARLIEST_HOUR,
            end=LATEST_HOUR,
        )


def check_outcome(status: str, held_on: date | None, today: date) -> None:
    """Held needs the day it was held (not in the future); other outcomes have none."""
    check_code("conversation_status", status)
    if status == "held":
        if held_on is None:
            raise ValidationError("Give the date the conversation was held", field="held_on")
        if held_on > today:
            raise ValidationError(
                "A conversation cannot be recorded as held in the future ({day})",
                field="held_on",
                day=held_on.isoformat(),
            )
    elif held_on is not None:
        raise ValidationError("Only a held conversation has a held date", field="held_on")
