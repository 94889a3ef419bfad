"""CPR and CVR: what the caseworker types is accepted or refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.identifiers import (
    age_on,
    birth_date_from_cpr,
    format_cpr,
    is_valid_cpr,
    is_valid_cvr,
    masked_cpr,
    normalise_cpr,
    normalise_cvr,
)


@pytest.mark.parametrize("typed", ["0101901234", "010190-1234", " 010190 1234 "])
def test_cpr_is_accepted_with_or_without_dash_and_spaces(typed: str) -> None:
    assert normalise_cpr(typed) == "0101901234"


def test_cpr_without_modulus_11_is_accepted_as_numbers_after_2007_need_not_satisfy_it() -> None:
    # 0101901235 fails the old modulus-11 test but is a syntactically valid CPR number
    assert is_valid_cpr("0101901235")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "missing"),
        ("01019012", "10 digits"),
        ("01019012345", "10 digits"),
        ("3102901234", "date of birth"),  # 31 February
        ("0113901234", "date of birth"),  # month 13
        ("01019O1234", "digits"),
    ],
)
def test_invalid_cpr_is_refused_with_a_reason(typed: str, reason: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_cpr(typed)
    assert reason in str(info.value)
    assert info.value.field == "cpr"


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101901234", date(1990, 1, 1)),  # 7th digit 1: 1900-1999
        ("0101054234", date(2005, 1, 1)),  # 7th digit 4, year 05: 2000-2036
        ("0101504234", date(1950, 1, 1)),  # 7th digit 4, year 50: 1937-1999
        ("2902964321", date(1996, 2, 29)),  # a leap day
    ],
)
def test_birth_date_follows_the_century_rules(cpr: str, born: date) -> None:
    assert birth_date_from_cpr(cpr) == born


def test_display_forms_never_leak_more_than_intended() -> None:
    assert format_cpr("0101901234") == "010190-1234"
    assert masked_cpr("0101901234") == "010190-XXXX"


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(1990, 6, 15), date(2026, 6, 14), 35),
        (date(1990, 6, 15), date(2026, 6, 15), 36),
        (date(1996, 2, 29), date(2026, 2, 28), 29),  # leap-day birthday, common year
        (date(1996, 2, 29), date(2026, 3, 1), 30),
        (date(1996, 2, 29), date(2028, 2, 29), 32),
    ],
)
def test_age_counts_completed_years(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)), st.integers(0, 999))
def test_every_past_birth_date_makes_a_valid_cpr_that_gives_it_back(
    born: date, serial: int
) -> None:
    century_digit = 0 if born.year < 2000 else 4  # 0-3: 1900s; 4 with year 00-36: 2000s
    cpr = f"{born:%d%m}{born.year % 100:02d}{century_digit}{serial:03d}"
    assert birth_date_from_cpr(cpr) == born


def test_cvr_with_a_good_check_digit_is_accepted() -> None:
    assert normalise_cvr("13585628") == "13585628"
    assert normalise_cvr("1358 5628") == "13585628"


@pytest.mark.parametrize(
    ("typed", "reason"), [("13585627", "check digit"), ("1358562", "8 digits"), ("", "missing")]
)
def test_bad_cvr_is_refused_with_a_reason(typed: str, reason: str) -> None:
    assert not is_valid_cvr(typed)
    with pytest.raises(ValidationError) as info:
        normalise_cvr(typed)
    assert reason in str(info.value)


def test_sort_key_puts_danish_letters_after_z_in_alphabetical_order() -> None:
    from app.domain.search import citizen_sort_key

    names = [
        ("Åse", "Åberg"),
        ("Bo", "Zahle"),
        ("Ib", "Ørsted"),
        ("Eva", "Æbelø"),
        ("Ole", "Hansen"),
    ]
    ordered = sorted(names, key=lambda n: citizen_sort_key(*n))
    assert [last for _first, last in ordered] == ["Hansen", "Zahle", "Æbelø", "Ørsted", "Åberg"]
