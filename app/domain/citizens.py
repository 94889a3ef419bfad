"""The rules for a citizen's master data: CPR, names, contact, language and flags."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.domain import validation as v
from app.domain.codes import LANGUAGES, N_
from app.domain.errors import Term, ValidationError
from app.domain.identifiers import birth_date_from_cpr, normalise_cpr

#: The fields a caseworker edits on a citizen (``caseworker_id`` is handed over separately).
EDITABLE_FIELDS = (
    "cpr",
    "first_name",
    "last_name",
    "address",
    "postal_code",
    "city",
    "phone",
    "email",
    "language",
    "refugee_or_reunified",
    "refugee_year",
    "disability",
    "digital_post_exempt",
)


def _cpr(value: Any, _all: Mapping[str, Any]) -> str:
    cpr = normalise_cpr(str(value or ""))
    birth_date_from_cpr(cpr)
    return cpr


def _language(value: Any, _all: Mapping[str, Any]) -> str:
    code = v.text(value) or "da"
    if code not in LANGUAGES:
        raise ValidationError(
            "Unknown language {code!r}; use da or en", field="language", code=code
        )
    return code


def _flag(value: Any, _all: Mapping[str, Any]) -> bool:
    return bool(value)


def checks(today: date) -> dict[str, v.Check]:
    refugee_year = v.in_year_range(
        "refugee_year", Term(N_("Year of residence permit")), 1950, today
    )

    def _refugee_year(value: Any, values: Mapping[str, Any]) -> int | None:
        year: int | None = refugee_year(value, values)
        if year is not None and not values.get("refugee_or_reunified"):
            raise ValidationError(
                "A residence-permit year is only kept for refugees and family-reunified citizens",
                field="refugee_year",
            )
        return year

    return {
        "cpr": _cpr,
        "first_name": v.required_text("first_name", Term(N_("First name"))),
        "last_name": v.required_text("last_name", Term(N_("Last name"))),
        "address": v.optional_text("address", Term(N_("Address")), 300),
        "postal_code": v.postal_code,
        "city": v.optional_text("city", Term(N_("City")), 100),
        "phone": v.phone,
        "email": v.email,
        "language": _language,
        "refugee_or_reunified": _flag,
        "refugee_year": _refugee_year,
        "disability": _flag,
        "digital_post_exempt": _flag,
    }


def clean_citizen(
    values: Mapping[str, Any], *, today: date, partial: bool = False
) -> dict[str, Any]:
    """Validated, normalised citizen fields (CPR as 10 digits); raises the first problem."""
    return v.clean(checks(today), values, partial=partial)


def citizen_errors(values: Mapping[str, Any], *, today: date) -> dict[str, ValidationError]:
    return v.errors(checks(today), values)
