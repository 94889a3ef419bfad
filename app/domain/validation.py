"""Field-by-field validation that both forms (as the user types) and use cases (on save) share.

A form asks ``errors(...)`` for every field's problem at once and shows each next to its field; a
use case calls ``clean(...)``, which raises the first ``ValidationError`` and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from app.domain.errors import ValidationError

Check = Callable[[Any, Mapping[str, Any]], Any]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{8,20}$")
_POSTAL = re.compile(r"^[0-9]{4}$")


def text(value: Any) -> str | None:
    """Trimmed text, or None for empty."""
    if value is None:
        return None
    cleaned = str(value).strip()
    return cleaned or None


def _check_length(cleaned: str, field: str, label: str, max_length: int) -> None:
    if len(cleaned) > max_length:
        raise ValidationError(
            "{label} is too long (at most {max} characters)",
            field=field,
            label=label,
            max=max_length,
        )


def required_text(field: str, label: str, max_length: int = 200) -> Check:
    def check(value: Any, _all: Mapping[str, Any]) -> str:
        cleaned = text(value)
        if cleaned is None:
            raise ValidationError("{label} is required", field=field, label=label)
        _check_length(cleaned, field, label, max_length)
        return cleaned

    return check


def optional_text(field: str, label: str, max_length: int = 500) -> Check:
    def check(value: Any, _all: Mapping[str, Any]) -> str | None:
        cleaned = text(value)
        if cleaned is not None:
            _check_length(cleaned, field, label, max_length)
        return cleaned

    return check


def email(value: Any, _all: Mapping[str, Any]) -> str | None:
    cleaned = text(value)
    if cleaned is not None and not _EMAIL.match(cleaned):
        raise ValidationError("{value!r} is not an e-mail address", field="email", value=cleaned)
    return cleaned


def phone(value: Any, _all: Mapping[str, Any]) -> str | None:
    cleaned = text(value)
    if cleaned is not None and not _PHONE.match(cleaned):
        raise ValidationError("{value!r} is not a phone number", field="phone", value=cleaned)
    return cleaned


def postal_code(value: Any, _all: Mapping[str, Any]) -> str | None:
    cleaned = text(value)
    if cleaned is not None and not _POSTAL.match(cleaned):
        raise ValidationError(
            "A Danish postal code has 4 digits, not {value!r}", field="postal_code", value=cleaned
        )
    return cleaned


def clean(
    checks: Mapping[str, Check], values: Mapping[str, Any], *, partial: bool = False
) -> dict[str, Any]:
    """Validated values; raises the first problem. ``partial`` checks only the fields given."""
    result: dict[str, Any] = {}
    for field, check in checks.items():
        if partial and field not in values:
            continue
        result[field] = check(values.get(field), values)
    return result


def errors(checks: Mapping[str, Check], values: Mapping[str, Any]) -> dict[str, ValidationError]:
    """Every field's problem at once (for showing next to each field while the user types)."""
    found: dict[str, ValidationError] = {}
    for field, check in checks.items():
        try:
            check(values.get(field), values)
        except ValidationError as error:
            found[error.field or field] = error
    return found


def in_year_range(field: str, label: str, first: int, today: date) -> Check:
    def check(value: Any, _all: Mapping[str, Any]) -> int | None:
        if value in (None, ""):
            return None
        try:
            year = int(value)
        except (TypeError, ValueError):
            raise ValidationError("{label} must be a year", field=field, label=label) from None
        if not first <= year <= today.year:
            raise ValidationError(
                "{label} must be between {first} and {last}",
                field=field,
                label=label,
                first=first,
                last=today.year,
            )
        return year

    return check
