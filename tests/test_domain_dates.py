"""Month arithmetic and periods, as shared/domain.md §4 prescribes."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.dates import Period, add_months, check_period, local_to_utc, utc_to_local
from app.domain.errors import ValidationError

DATES = st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # leap year clamps to 29 Feb
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2026, 3, 3), 6, date(2026, 9, 3)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
    ],
)
def test_add_months_keeps_the_day_and_clamps_to_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@given(DATES, st.integers(-240, 240))
def test_add_months_lands_in_the_right_month_on_the_right_or_last_day(
    start: date, months: int
) -> None:
    result = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(start.day, last)


@given(DATES, st.integers(0, 120), st.integers(0, 120))
def test_add_months_is_monotonic(start: date, a: int, b: int) -> None:
    if a <= b:
        assert add_months(start, a) <= add_months(start, b)


def test_end_before_start_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Period(date(2026, 3, 2), date(2026, 3, 1))
    assert info.value.field == "end"
    with pytest.raises(ValidationError):
        check_period(date(2026, 3, 2), date(2026, 3, 1))
    check_period(date(2026, 3, 2), date(2026, 3, 2))  # a one-day spell is fine
    check_period(date(2026, 3, 2), None)


def test_overlap_counts_inclusive_end_days() -> None:
    a = Period(date(2026, 1, 1), date(2026, 1, 31))
    assert a.overlaps(Period(date(2026, 1, 31), None))
    assert not a.overlaps(Period(date(2026, 2, 1), None))
    assert Period(date(2025, 1, 1), None).overlaps(Period(date(2030, 1, 1), date(2030, 1, 2)))


@given(DATES, st.integers(0, 400), DATES, st.integers(0, 400))
def test_overlap_is_symmetric_and_matches_a_common_day(
    s1: date, n1: int, s2: date, n2: int
) -> None:
    try:
        a = Period(s1, s1 + timedelta(days=n1))
        b = Period(s2, s2 + timedelta(days=n2))
    except OverflowError:
        return
    common = max(a.start, b.start) <= min(a.end, b.end)  # type: ignore[type-var]
    assert a.overlaps(b) == b.overlaps(a) == common


def test_days_within_a_window_count_both_ends() -> None:
    year = Period(date(2024, 1, 1), date(2024, 12, 31))
    assert Period(date(2023, 12, 1), None).days_within(year) == 366  # leap year
    assert Period(date(2024, 7, 1), date(2024, 7, 1)).days_within(year) == 1
    assert Period(date(2025, 1, 1), None).days_within(year) == 0


def test_local_wall_clock_times_round_trip_through_utc_across_summer_time() -> None:
    winter = datetime(2026, 1, 15, 10, 0)
    summer = datetime(2026, 7, 15, 10, 0)
    assert local_to_utc(winter) == datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
    assert local_to_utc(summer) == datetime(2026, 7, 15, 8, 0, tzinfo=UTC)
    assert utc_to_local(local_to_utc(summer)) == summer


TYPED_TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("23.11.2026", date(2026, 11, 23)),
        ("1-2-27", date(2027, 2, 1)),
        ("2026-12-24", date(2026, 12, 24)),
        ("24.12", date(2026, 12, 24)),
        ("+7", date(2026, 11, 30)),
        ("-1", date(2026, 11, 22)),
        ("i dag", TYPED_TODAY),
        ("29.02.2028", date(2028, 2, 29)),
        ("", None),
        ("01122026", date(2026, 12, 1)),
    ],
)
def test_dates_are_read_the_way_caseworkers_type_them(typed: str, expected: date | None) -> None:
    from app.domain.dates import parse_user_date

    assert parse_user_date(typed, TYPED_TODAY) == expected


@pytest.mark.parametrize(
    "typed", ["31.02.2026", "29.02.2027", "i overmorgen", "12.13", "2026-13-01"]
)
def test_impossible_dates_are_refused(typed: str) -> None:
    from app.domain.dates import parse_user_date

    with pytest.raises(ValidationError):
        parse_user_date(typed, TYPED_TODAY)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("10:30", (10, 30)), ("9.15", (9, 15)), ("1400", (14, 0)), ("8", (8, 0))],
)
def test_times_are_read_in_several_forms(typed: str, expected: tuple[int, int]) -> None:
    from app.domain.dates import parse_user_time

    assert parse_user_time(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "10:75", "ti", ""])
def test_impossible_times_are_refused(typed: str) -> None:
    from app.domain.dates import parse_user_time

    with pytest.raises(ValidationError):
        parse_user_time(typed)
