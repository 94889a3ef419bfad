"""Goal plans as plain data: indicators with their measure, parameters and target; the status of
a figure against its target; and the checks a plan must pass before it is stored.

A plan is either shipped (a read-only TOML file in ``app/resources/goalplans/``) or made by a team
lead in the app (stored in the database, ``editable``). Both are the same ``GoalPlan`` value, so
evaluation, the dashboard, the exports and the CLI treat them alike. The parameter kinds a measure
can take (target groups, offer kinds, an age band, …) are declared here once, so the plan editor
can offer a picker for each and the use case can refuse a parameter the measure does not know.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from app.domain.codes import N_, OFFER_KINDS, TARGET_GROUPS
from app.domain.errors import ValidationError

FOLLOW_UP: Mapping[str, str] = {"monthly": N_("Monthly"), "quarterly": N_("Quarterly")}
COMPARE: Mapping[str, str] = {
    "last-year": N_("the same period last year"),
    "previous": N_("the previous period"),
}
DIRECTIONS = ("up", "down")
#: How faithfully a goal is computed (issue 18): as the plan says, with a stated approximation,
#: or not computable from case data (with the reason). The note says how, in one sentence.
FIDELITY: Mapping[str, str] = {
    "faithful": N_("Computed as the plan says"),
    "approximate": N_("Approximation"),
    "not_computable": N_("Not computable from case data"),
}


@dataclass(frozen=True)
class Target:
    """At least ``minimum``, at most ``maximum``, and/or rising/falling against ``compare``;
    for the ``years`` named (a plan's target belongs to its year: Herlev's "≤ 95" is for 2024),
    or every year when none are."""

    minimum: float | None = None
    maximum: float | None = None
    direction: str | None = None  # "up" / "down" compared with the comparison period
    compare: str | None = None  # "last-year" / "previous"
    years: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            k: v for k, v in vars(self).items() if v is not None and k != "years"
        }
        if self.years:
            values["years"] = list(self.years)
        return values

    @property
    def empty(self) -> bool:
        return self.minimum is None and self.maximum is None and not self.direction

    def covers(self, first: date, last: date) -> bool:
        """Whether the target belongs to a period from ``first`` to ``last``: every year it
        touches is one of the target's years (or the target names none)."""
        return not self.years or all(
            year in self.years for year in range(first.year, last.year + 1)
        )


def years_from(value: Any) -> tuple[int, ...]:
    """Years from ``[2024, 2025]``, ``"2024, 2025"`` or ``"2024-2025"``; ``ValidationError``
    for anything else. Empty: every year."""
    if value in (None, "", ()):
        return ()
    if isinstance(value, str):
        parts: list[Any] = []
        for piece in value.replace(";", ",").replace(" ", ",").split(","):
            piece = piece.strip()
            if not piece:
                continue
            if "-" in piece.strip("-") and piece.count("-") == 1:
                low, high = piece.split("-")
                if low.isdigit() and high.isdigit() and int(low) <= int(high):
                    parts.extend(range(int(low), int(high) + 1))
                    continue
            parts.append(piece)
    elif isinstance(value, int) and not isinstance(value, bool):
        parts = [value]
    else:
        parts = list(value)
    years = []
    for part in parts:
        if isinstance(part, bool) or not str(part).isdigit() or not 1900 <= int(part) <= 2200:
            raise ValidationError(
                "{value!r} is not a year; write years like 2024 or 2024, 2025",
                field="years",
                value=part,
            )
        years.append(int(part))
    return tuple(sorted(set(years)))


def target_from(values: Mapping[str, Any] | None) -> Target | None:
    """A target from ``{minimum|min, maximum|max, direction, compare, years}``; None when it
    sets nothing."""
    if not values:
        return None
    target = Target(
        _number(values.get("minimum", values.get("min"))),
        _number(values.get("maximum", values.get("max"))),
        values.get("direction") or None,
        values.get("compare") or None,
        years_from(values.get("years")),
    )
    if target.direction and not target.compare:
        target = replace(target, compare="last-year")
    return None if target.empty else target


def _number(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("{value!r} is not a number", field="target", value=value)
    return float(value)


@dataclass(frozen=True)
class Indicator:
    id: str
    label: str
    measure: str  # "" for a goal not computable from case data
    params: dict[str, Any] = field(default_factory=dict)
    target: Target | None = None
    #: faithful / approximate / not_computable (``FIDELITY``) and the note saying how the goal is
    #: read, or what is approximated, or why it cannot be computed (``note_en`` in English).
    fidelity: str = "faithful"
    note: str = ""
    note_en: str = ""
    #: Targets for other years, where a plan names a different one per year.
    more_targets: tuple[Target, ...] = ()

    @property
    def computable(self) -> bool:
        return self.fidelity != "not_computable" and bool(self.measure)

    @property
    def targets(self) -> tuple[Target, ...]:
        return ((self.target,) if self.target else ()) + self.more_targets

    def target_for(self, first: date, last: date) -> Target | None:
        """The target that belongs to a period from ``first`` to ``last``; None when the plan
        names none for its years."""
        return next((t for t in self.targets if t.covers(first, last)), None)

    def note_in(self, language: str) -> str:
        """The note in the language asked for (Danish, or English where the plan gives one)."""
        return (self.note_en or self.note) if language == "en" else (self.note or self.note_en)


@dataclass(frozen=True)
class GoalPlan:
    id: str
    name: str
    municipality: str
    follow_up: str
    indicators: tuple[Indicator, ...]
    valid_from: date | None = None
    valid_to: date | None = None
    #: True for plans made in the app (stored in the database); shipped plans are read-only files.
    editable: bool = False
    version: int | None = None
    #: The plan this one was copied from, if any.
    based_on: str | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


def status_of(value: float | None, target: Target | None, comparison: float | None) -> str:
    """met / not_met / no_target / suppressed. ``comparison`` is the figure of the target's own
    comparison period; a direction target whose comparison is hidden is itself suppressed (its
    status would tell which side of the hidden figure the value lies)."""
    if target is None:
        return "no_target"
    if value is None:
        return "suppressed"
    if target.minimum is not None and value < target.minimum:
        return "not_met"
    if target.maximum is not None and value > target.maximum:
        return "not_met"
    if target.direction:
        if comparison is None:
            return "suppressed"
        better = value > comparison if target.direction == "up" else value < comparison
        return "met" if better else "not_met"
    return "met"


# --- parameters ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """A parameter kind a measure may take: its picker and its limits."""

    name: str
    kind: str  # "groups" / "kinds" (several codes), "int", "choice"
    label: str  # an English msgid
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    choices: Mapping[Any, str] | None = None


PARAMS: Mapping[str, Param] = {
    p.name: p
    for p in (
        Param("groups", "groups", N_("Target groups")),
        Param("kinds", "kinds", N_("Offer kinds")),
        Param("min_age", "int", N_("Age from"), None, 0, 120),
        Param("max_age", "int", N_("Age to"), None, 0, 120),
        Param("min_employees", "int", N_("Companies with at least this many employees"), 3, 1),
        Param(
            "min_hours",
            "choice",
            N_("Work counted"),
            0,
            choices={
                0: N_("Any paid hours in the period"),
                190: N_("At least 190 hours in the last month and the two before"),
            },
        ),
        Param(
            "counts_too",
            "choice",
            N_("Counted beside the offers"),
            0,
            choices={
                0: N_("Only the offers"),
                1: N_("Paid hours count as company-based too"),
                2: N_("Paid hours, ordinary jobs and fleksjob count too"),
            },
        ),
        Param(
            "local_only",
            "choice",
            N_("Companies"),
            0,
            choices={
                0: N_("Every company"),
                1: N_("Only local companies (marked local, or a postal code of the kommune)"),
            },
        ),
        Param("window_weeks", "int", N_("Weeks looked back"), 52, 1, 520),
        Param("min_share", "int", N_("At least this share of the weeks (%)"), 80, 1, 100),
    )
}


def check_params(
    measure: str,
    allowed: Sequence[str],
    params: Mapping[str, Any],
    *,
    group_choices: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The parameters cleaned (codes checked, numbers whole); ``ValidationError`` naming the first
    parameter the measure does not take or whose value is wrong. Empty lists are left out."""
    clean: dict[str, Any] = {}
    for name, value in params.items():
        if name not in allowed:
            raise ValidationError(
                "The measure {measure} has no parameter {name!r}; it takes: {allowed}",
                field="params",
                measure=measure,
                name=name,
                allowed=", ".join(allowed) or "–",
            )
        param = PARAMS[name]
        if param.kind in ("groups", "kinds"):
            codes = [value] if isinstance(value, str) else list(value or [])
            known = (
                (group_choices or list(TARGET_GROUPS))
                if param.kind == "groups"
                else list(OFFER_KINDS)
            )
            for code in codes:
                if code not in known:
                    raise ValidationError(
                        "{code!r} is not one of the choices for {name}",
                        field=name,
                        code=code,
                        name=name,
                    )
            if codes:
                clean[name] = [code for code in known if code in codes]
        elif param.kind == "int":
            if value is None or value == "":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value % 1:
                raise ValidationError("{value!r} is not a whole number", field=name, value=value)
            if (param.minimum is not None and value < param.minimum) or (
                param.maximum is not None and value > param.maximum
            ):
                raise ValidationError(
                    "{name} must be between {minimum} and {maximum}",
                    field=name,
                    name=name,
                    minimum=param.minimum,
                    maximum=param.maximum if param.maximum is not None else "…",
                )
            clean[name] = int(value)
        else:
            if value not in (param.choices or {}):
                raise ValidationError(
                    "{code!r} is not one of the choices for {name}",
                    field=name,
                    code=value,
                    name=name,
                )
            if value != param.default:
                clean[name] = value
    if clean.get("min_age") is not None and clean.get("max_age") is not None:
        if clean["max_age"] < clean["min_age"]:
            raise ValidationError("The age band ends before it starts", field="max_age")
    return clean


def born_by(on: date, age: int) -> date:
    """The latest birth date of someone who is at least ``age`` years old on ``on`` (with
    ``identifiers.age_on``'s rule: a 29 February birthday ages on 1 March in common years)."""
    try:
        return on.replace(year=on.year - age)
    except ValueError:  # 29 February in a common year
        return date(on.year - age, 2, 28)


# --- checking a plan ---------------------------------------------------------------------------------
def check_target(target: Target | None, unit: str) -> None:
    if target is None:
        return
    years_from(list(target.years))
    for name, value in (("minimum", target.minimum), ("maximum", target.maximum)):
        if value is None:
            continue
        if value < 0:
            raise ValidationError("A target cannot be negative", field=name)
        if unit == "share" and value > 100:
            raise ValidationError("A share is at most 100 %", field=name)
    if (
        target.minimum is not None
        and target.maximum is not None
        and target.maximum < target.minimum
    ):
        raise ValidationError("The upper limit is below the lower limit", field="maximum")
    if target.direction not in (None, *DIRECTIONS):
        raise ValidationError("Choose rises or falls", field="direction")
    if target.compare not in (None, *COMPARE):
        raise ValidationError(
            "Compare with the same period last year or the previous period", field="compare"
        )


def slug(text: str, fallback: str = "plan") -> str:
    """A stable identifier from a name: ``Herlev 2026 – egne mål`` → ``herlev-2026-egne-maal``."""
    lowered = text.lower()
    for letter, spelled in (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("é", "e"), ("ü", "u")):
        lowered = lowered.replace(letter, spelled)
    cleaned = re.sub(r"[^a-z0-9]+", "-", lowered).strip("-")[:60].strip("-")
    return cleaned or fallback


def unique_slug(text: str, taken: set[str], fallback: str = "plan") -> str:
    base = slug(text, fallback)
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def check_plan_head(name: str, valid_from: date | None, valid_to: date | None) -> None:
    if not name.strip():
        raise ValidationError("Give the goal plan a name", field="name")
    if len(name) > 200:
        raise ValidationError("At most {n} characters", field="name", n=200)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError(
            "The plan ends ({end}) before it starts ({start})",
            field="valid_to",
            start=valid_from.isoformat(),
            end=valid_to.isoformat(),
        )


def check_indicator_label(label: str) -> None:
    if not label.strip():
        raise ValidationError("Give the indicator a label", field="label")
    if len(label) > 300:
        raise ValidationError("At most {n} characters", field="label", n=300)


def check_fidelity(fidelity: str, note: str) -> None:
    """A known fidelity; an approximation says what differs, a goal not computable says why."""
    if fidelity not in FIDELITY:
        raise ValidationError(
            "{code!r} is not one of the choices for {name}",
            field="fidelity",
            code=fidelity,
            name="fidelity",
        )
    if fidelity != "faithful" and not note.strip():
        raise ValidationError(
            "Say in a sentence what is approximated, or why the goal cannot be computed",
            field="note",
        )
    if len(note) > 1000:
        raise ValidationError("At most {n} characters", field="note", n=1000)
