"""Organisation-wide settings, as read: declared once with type, default and limits, stored in
the database (the table ``app_setting``).

What belongs to the jobcenter as a whole (how long data is kept, the smallest count an aggregate
may show, the småjob band, automatic backups) lives in the database, so that every desk of a team
uses the same values. Reading never fails: a missing or malformed stored value gives the default.
Reading is here, below the reports, so that a measure reads the setting it counts with; changing
a setting is a use case (``app.casework.admin.org_settings``: administrators only, audited).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from app.domain.errors import ValidationError
from app.i18n import N_
from app.store.engine import Database, transaction
from app.store.models import AppSetting


@dataclass(frozen=True)
class Declared:
    """One setting: its key, type, default, limits and a translatable label (an English msgid)."""

    key: str
    kind: type
    default: Any
    label: str
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value: Any) -> Any:
        """The value converted to the setting's type, or ``ValidationError`` naming the limit."""
        if self.kind is dict:
            return _year_numbers(self.key, value)
        if self.kind is list:
            return _postal_codes(self.key, value)
        if self.kind is str:
            text = str(value if value is not None else "").strip()
            if len(text) > 400:
                raise ValidationError("At most {maximum} characters", field=self.key, maximum=400)
            return text
        if self.kind is bool:
            if not isinstance(value, bool):
                raise ValidationError("Choose yes or no", field=self.key)
            return value
        try:
            converted = self.kind(value)
        except (TypeError, ValueError):
            raise ValidationError(
                "{value!r} is not a number", field=self.key, value=value
            ) from None
        if self.kind is int and isinstance(value, float) and not value.is_integer():
            raise ValidationError("{value!r} is not a whole number", field=self.key, value=value)
        if self.minimum is not None and converted < self.minimum:
            raise ValidationError("At least {minimum}", field=self.key, minimum=self.minimum)
        if self.maximum is not None and converted > self.maximum:
            raise ValidationError("At most {maximum}", field=self.key, maximum=self.maximum)
        return converted


SETTINGS: dict[str, Declared] = {
    d.key: d
    for d in (
        Declared(
            "retention_years",
            int,
            5,
            N_("Years without activity before a citizen is listed for deletion"),
            1,
            50,
        ),
        Declared("audit_retention_months", int, 6, N_("Months the access log is kept"), 1, 240),
        Declared(
            "suppression_threshold",
            int,
            5,
            N_("Smallest count shown in aggregates (never below 3)"),
            3,
            100,
        ),
        Declared("smajob_hours_min", float, 1.0, N_("Småjob: fewest paid hours a month"), 0, 744),
        Declared("smajob_hours_max", float, 49.0, N_("Småjob: most paid hours a month"), 0, 744),
        Declared(
            "backup_on_exit",
            bool,
            True,
            N_("Automatic backups (in the background)"),
        ),
        Declared(
            "backup_every_days",
            int,
            1,
            N_("Days between automatic backups (1 = at most one a day)"),
            1,
            365,
        ),
        Declared("backups_kept", int, 10, N_("Automatic backups kept"), 1, 1000),
        Declared(
            "backup_space_percent",
            int,
            100,
            # short: a form label does not wrap, and a long one widened the whole window
            N_("Room for backups, % of the database's size"),
            100,
            100_000,
        ),
        Declared(
            "checkpoint_folder",
            str,
            "",
            N_("Folder for access-log checkpoints (a write-only share)"),
        ),
        Declared(
            "population_16_66",
            dict,
            {},
            N_(
                "Population aged 16–66 per year (Danmarks Statistik), e.g. 2024: 48210; 2025: 48650"
            ),
        ),
        Declared(
            "local_postal_codes",
            list,
            [],
            N_("The kommune's postal codes (companies there count as local), e.g. 2730, 2750"),
        ),
        Declared(
            "company_size_threshold",
            int,
            3,
            N_("Company contact coverage: companies with at least this many employees"),
            1,
            100_000,
        ),
        Declared(
            "companies_above_size",
            int,
            0,
            N_("Companies in the kommune with at least that many employees (0: not known)"),
            0,
            10_000_000,
        ),
    )
}


def _year_numbers(key: str, value: Any) -> dict[int, int]:
    """``{year: number}`` from a mapping or from text like ``2024: 48210; 2025: 48650``."""
    if isinstance(value, str):
        pairs: list[tuple[Any, Any]] = []
        for part in value.replace("\n", ";").split(";"):
            if not part.strip():
                continue
            year, sep, number = part.partition(":") if ":" in part else part.partition("=")
            if not sep:
                raise ValidationError(
                    "Write each year as year: number, e.g. 2024: 48210", field=key
                )
            pairs.append((year.strip(), number.strip().replace(".", "").replace(" ", "")))
    elif isinstance(value, Mapping):
        pairs = list(value.items())
    else:
        raise ValidationError("Write each year as year: number, e.g. 2024: 48210", field=key)
    out: dict[int, int] = {}
    for year, number in pairs:
        try:
            y, n = int(year), int(number)
        except (TypeError, ValueError):
            raise ValidationError(
                "{value!r} is not a year with a whole number",
                field=key,
                value=str(year) + ": " + str(number),
            ) from None
        if not 1900 <= y <= 2200:
            raise ValidationError("{value!r} is not a year", field=key, value=year)
        if n < 0:
            raise ValidationError("At least {minimum}", field=key, minimum=0)
        out[y] = n
    return dict(sorted(out.items()))


def _postal_codes(key: str, value: Any) -> list[str]:
    """Danish postal codes (four digits) from a list or from text like ``2730, 2750``."""
    items = (
        value.replace(";", ",").replace(" ", ",").split(",") if isinstance(value, str) else value
    )
    if not isinstance(items, list | tuple):
        raise ValidationError("Write the postal codes separated by commas", field=key)
    codes = []
    for item in items:
        code = str(item).strip()
        if not code:
            continue
        if not (len(code) == 4 and code.isdigit()):
            raise ValidationError("{value!r} is not a postal code", field=key, value=code)
        if code not in codes:
            codes.append(code)
    return sorted(codes)


def as_text(key: str, value: Any) -> str:
    """How a mapping or list setting is written in the settings page's text field."""
    if isinstance(value, Mapping):
        return "; ".join(f"{year}: {number}" for year, number in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def declared(key: str) -> Declared:
    try:
        return SETTINGS[key]
    except KeyError:
        raise ValidationError("Unknown setting {key}", key=key) from None


def read(session: Session, key: str) -> Any:
    """The stored value of ``key``, or its default when unset or unreadable."""
    row = session.exec(select(AppSetting).where(col(AppSetting.key) == key)).first()
    return _value(declared(key), row)


def _value(setting: Declared, row: AppSetting | None) -> Any:
    if row is None:
        return setting.default
    try:
        return setting.check(json.loads(row.value))
    except (ValueError, ValidationError):
        return setting.default


def get(db: Database, key: str) -> Any:
    """``read`` in a short session of its own."""
    with transaction(db) as session:
        return read(session, key)


def get_all(db: Database) -> dict[str, Any]:
    """Every declared setting's value (``read``'s), in one query (the Settings page opens with
    them)."""
    with transaction(db) as session:
        rows = {
            row.key: row
            for row in session.exec(select(AppSetting).where(col(AppSetting.key).in_(SETTINGS)))
        }
    return {key: _value(setting, rows.get(key)) for key, setting in SETTINGS.items()}


def check_together(values: Mapping[str, Any]) -> None:
    """Rules between settings: the småjob band must not be upside down."""
    low, high = values.get("smajob_hours_min"), values.get("smajob_hours_max")
    if low is not None and high is not None and low > high:
        raise ValidationError(
            "The fewest hours cannot be more than the most hours ({maximum})",
            field="smajob_hours_min",
            maximum=high,
        )
