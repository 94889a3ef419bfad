"""The jobcenter's day is the Danish day, whatever zone the machine runs in: a terminal server or
a container set to UTC must not refuse the edit of a note written at 23:30 in Copenhagen, nor move
a deadline's "today" an hour early."""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.domain.dates import local_today

APP = Path(__file__).resolve().parents[1] / "app"


def test_no_code_asks_the_machine_for_its_own_day() -> None:
    found = [
        f"{path.relative_to(APP)}:{n}"
        for path in sorted(APP.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bdate\.today\b", line)
    ]
    assert found == [], "use app.domain.dates.local_today()"


@pytest.mark.parametrize("zone", ["UTC", "Pacific/Kiritimati", "America/Los_Angeles"])
def test_today_is_the_day_in_copenhagen_in_any_machine_zone(
    zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()
    try:
        assert local_today() == datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    finally:
        monkeypatch.undo()
        time.tzset()
