"""CPR and CVR numbers: validation, normalisation, birth date and display.

Validation is delegated to python-stdnum. Its CPR check verifies the birth date and century digit
but not the modulus-11 sum, which is right: numbers issued after 2007 need not satisfy it.
"""

from __future__ import annotations

import importlib
from datetime import date
from functools import lru_cache
from typing import Any

from app.domain.errors import ValidationError


class _ImportedWhenUsed:
    """A module imported when one of its names is first used: python-stdnum (7 ms) is not needed
    by a start, which shows numbers it read from the database and validates none."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


stdnum_exceptions = _ImportedWhenUsed("stdnum.exceptions")
stdnum_cpr = _ImportedWhenUsed("stdnum.dk.cpr")
stdnum_cvr = _ImportedWhenUsed("stdnum.dk.cvr")


def normalise_cpr(value: str) -> str:
    """Return the 10 digits of a valid CPR number, or raise ``ValidationError``."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("CPR number is missing", field="cpr")
    try:
        return _validated_cpr(raw)
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            "CPR number {value!r} must have 10 digits", field="cpr", value=raw
        ) from None
    except stdnum_exceptions.InvalidFormat:
        raise ValidationError(
            "CPR number {value!r} may only contain digits", field="cpr", value=raw
        ) from None
    except stdnum_exceptions.InvalidComponent:
        raise ValidationError(
            "CPR number {value!r} does not hold a valid date of birth", field="cpr", value=raw
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError("CPR number {value!r} is not valid", field="cpr", value=raw) from None


def _validated_cpr(raw: str) -> str:
    """python-stdnum's check; ten ASCII digits (the stored form) are valid exactly when their
    first seven (the birth date and its century) are, so that part's verdict is remembered: an
    import of 100 000 citizens checks each number several times, and spent 9 s in stdnum."""
    if len(raw) == 10 and raw.isascii() and raw.isdigit():
        _check_birth(raw[:7])
        return raw
    valid: str = stdnum_cpr.validate(raw)
    return valid


#: Every valid first seven digits fit (100 years of days × 10 century digits, about 365 000): a
#: smaller cache thrashed once an import's citizens outnumbered it, and every check missed.
_BIRTHS = 1 << 19


@lru_cache(maxsize=_BIRTHS)
def _check_birth(first_seven: str) -> None:
    """Raises as stdnum does for a number starting so; remembered only when it is valid."""
    stdnum_cpr.validate(first_seven + "000")


def is_valid_cpr(value: str) -> bool:
    try:
        normalise_cpr(value)
    except ValidationError:
        return False
    return True


def birth_date_from_cpr(cpr: str) -> date:
    """The birth date encoded in a (valid) CPR number, century from the 7th digit."""
    return _birth_date(normalise_cpr(cpr)[:7])


@lru_cache(maxsize=_BIRTHS)
def _birth_date(first_seven: str) -> date:
    born: date = stdnum_cpr.get_birth_date(first_seven)
    return born


def format_cpr(cpr: str) -> str:
    """``DDMMYY-SSSS``, the way Danes write it."""
    digits = normalise_cpr(cpr)
    return f"{digits[:6]}-{digits[6:]}"


def masked_cpr(cpr: str) -> str:
    """``DDMMYY-XXXX``: enough to recognise a person on screen, not enough to misuse."""
    digits = normalise_cpr(cpr)
    return f"{digits[:6]}-XXXX"


def age_on(birth_date: date, on: date) -> int:
    """Completed years on the given day (a 29 Feb birthday ages on 1 Mar in common years)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def normalise_cvr(value: str) -> str:
    """Return the 8 digits of a valid CVR number, or raise ``ValidationError``."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationError("CVR number is missing", field="cvr")
    try:
        valid: str = stdnum_cvr.validate(raw)
        return valid
    except stdnum_exceptions.InvalidLength:
        raise ValidationError(
            "CVR number {value!r} must have 8 digits", field="cvr", value=raw
        ) from None
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            "CVR number {value!r} fails the check digit test", field="cvr", value=raw
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError("CVR number {value!r} is not valid", field="cvr", value=raw) from None


def is_valid_cvr(value: str) -> bool:
    try:
        normalise_cvr(value)
    except ValidationError:
        return False
    return True
