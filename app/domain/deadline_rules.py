"""Deadline rule sets as data: parsing and checking the TOML text of a rule file.

A rule file names its rule set (name, valid from/to) and lists rules, each with an id, a kind,
the target groups it applies to, its numbers, who holds the conversation, the legal source and a
confidence note. A mistake is reported with the file, the line and the field, so whoever edits a
local override file can fix it; the caller keeps the last good rules meanwhile.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.codes import CONVERSATION_KINDS, OFFER_KINDS, SICK_CATEGORIES, TARGET_GROUPS
from app.domain.errors import ValidationError

KINDS = ("first_by", "count_in_window", "offer_by", "assessment_after", "agreed_contact")
HELD_BY = ("jobcenter", "a_kasse", "any")
#: Conditions a rule can ask of the spell (or period) a requirement falls due in:
#: visited_to_jobcenter  dagpenge visiteret til kontaktforløb i jobcenteret (LAB § 27 stk. 3);
#: after_transition      the period began with a move from another benefit of its kind
#:                       (uddannelseshjælp to kontanthjælp, LAB § 9 stk. 2 nr. 2, 2. pkt.);
#: work_duty             arbejdspligt (LAB kapitel 16 a).
CONDITIONS = ("visited_to_jobcenter", "after_transition", "work_duty")
OFFSET_UNITS = ("days", "weeks", "end_of_week", "months")
#: Which day decides whether a rule (set) applies to a requirement: the day it falls due, or the
#: first day of the period it belongs to.
APPLIES_BY = ("due_date", "period_start")
#: Limits on numbers in a rule file, so that an edited file cannot make date arithmetic overflow.
MAX_AMOUNT = {"days": 3660, "weeks": 520, "end_of_week": 520, "months": 240}
MAX_COUNT = 100
#: A rule file larger than this is refused before it is parsed.
MAX_FILE_BYTES = 512 * 1024


@dataclass(frozen=True)
class Offset:
    """A distance from a spell's first day, in one unit (see the date arithmetic in domain.md §4)."""

    unit: str
    amount: int


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: str
    groups: frozenset[str]
    source: str
    confidence: str
    held_by: str = "any"
    channel: str | None = None
    count: int = 1
    window_from_months: int = 0
    window_to_months: int = 0
    window_start: Offset | None = None
    due: Offset | None = None
    anchor: str | None = None
    only_if: str | None = None
    unless: str | None = None
    offer_kinds: frozenset[str] = frozenset()
    grace_kinds: frozenset[str] = frozenset()
    grace_weeks: int = 0
    min_weeks: int = 0
    continuous_groups: frozenset[str] = frozenset()
    min_age: int | None = None
    every_months: int = 0
    window_months: int = 0
    not_before: date | None = None
    conversation_kinds: frozenset[str] = frozenset()
    after: Offset | None = None
    note: str | None = None
    #: The rule's own validity inside its set (both days included); ``applies_by`` says which day
    #: is compared with it (default: the due date).
    valid_from: date | None = None
    valid_to: date | None = None
    applies_by: str = "due_date"
    #: Sygedagpenge: the visitation categories the rule applies to (empty: every case), and whether
    #: it applies to a case whose category is not recorded.
    sick_categories: frozenset[str] = frozenset()
    category_unknown: str = "apply"
    #: The a-kasse takes part in the conversation unless the citizen declines (LAB § 32 stk. 2).
    a_kasse_takes_part: bool = False
    #: Only conversations recorded with the a-kasse taking part count (the joint conversations).
    with_a_kasse: bool = False
    #: When the citizen is exempted from offers on the due date, the due date moves to this long
    #: after the exemption ends (LAB § 102 stk. 4).
    after_exemption: Offset | None = None
    #: The groups for which the rule is part of the 75 % rule from 1 Jul 2026 (a team-level share;
    #: see the measures).
    rule_75: frozenset[str] = frozenset()

    def applies_on(self, due: date, period_start: date) -> bool:
        day = due if self.applies_by == "due_date" else period_start
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Transition:
    """How requirements of periods that began before a rule set came into force are treated: by
    their due date (the set in force on the day a requirement falls due) or by the period's start."""

    applies_by: str = "due_date"
    source: str = ""
    confidence: str = ""
    note: str | None = None


@dataclass(frozen=True)
class RuleSet:
    name: str
    valid_from: date
    valid_to: date | None
    rules: tuple[Rule, ...] = field(default_factory=tuple)
    origin: str = ""
    transition: Transition = field(default_factory=Transition)
    _by_group: dict[str, tuple[Rule, ...]] = field(default_factory=dict, compare=False, repr=False)

    def in_force_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def applies_by(self) -> str:
        return self.transition.applies_by

    def rules_for(self, group: str) -> tuple[Rule, ...]:
        """The rules for one target group (looked up once per group: the engine asks per spell)."""
        cached = self._by_group.get(group)
        if cached is None:
            cached = self._by_group[group] = tuple(
                rule for rule in self.rules if group in rule.groups
            )
        return cached


class RuleFileError(ValidationError):
    """A rule file that cannot be used: names the file, the line and the field."""

    def __init__(self, origin: str, line: int | None, field_name: str, problem: str) -> None:
        super().__init__(
            "{file}, line {line}, field {name}: {problem}",
            field=field_name,
            file=origin,
            line=line if line is not None else "?",
            name=field_name,
            problem=problem,
        )
        self.origin, self.line, self.field_name, self.problem = origin, line, field_name, problem


def _line_of(text: str, rule_id: str | None, key: str | None) -> int | None:
    """The line of ``key`` inside the rule with ``rule_id`` (or of the rule itself)."""
    lines = text.splitlines()
    start = 0
    if rule_id is not None:
        pattern = re.compile(rf'^\s*id\s*=\s*"{re.escape(rule_id)}"')
        found = next((i for i, line in enumerate(lines) if pattern.match(line)), None)
        if found is None:
            return None
        start = found
        while start > 0 and not lines[start].strip().startswith("[[rule]]"):
            start -= 1
    if key is None:
        return start + 1
    key_pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, len(lines)):
        if i > start and lines[i].strip().startswith("[[rule]]"):
            break
        if key_pattern.match(lines[i]):
            return i + 1
    return start + 1


class _Reader:
    def __init__(self, origin: str, text: str) -> None:
        self.origin, self.text = origin, text
        self.rule_id: str | None = None

    def fail(self, key: str, problem: str) -> RuleFileError:
        return RuleFileError(self.origin, _line_of(self.text, self.rule_id, key), key, problem)

    def get(
        self,
        data: Mapping[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = False,
    ) -> Any:
        if key not in data:
            if required:
                raise self.fail(key, "missing")
            return None
        value = data[key]
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise self.fail(key, f"wrong type {type(value).__name__}")
        return value

    def codes(
        self,
        data: Mapping[str, Any],
        key: str,
        vocabulary: Mapping[str, str],
        *,
        required: bool = False,
    ) -> frozenset[str]:
        values = self.get(data, key, list, required=required) or []
        for code in values:
            if code not in vocabulary:
                raise self.fail(key, f"unknown code {code!r}")
        return frozenset(values)

    def offset(self, data: Mapping[str, Any], key: str, *, required: bool = False) -> Offset | None:
        table = self.get(data, key, dict, required=required)
        if table is None:
            return None
        if len(table) != 1 or next(iter(table)) not in OFFSET_UNITS:
            raise self.fail(key, f"give exactly one of {', '.join(OFFSET_UNITS)}")
        unit, amount = next(iter(table.items()))
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise self.fail(key, "the amount must be a whole number of 0 or more")
        if amount > MAX_AMOUNT[unit]:
            raise self.fail(key, f"at most {MAX_AMOUNT[unit]} {unit}")
        return Offset(unit, amount)

    def number(
        self, data: Mapping[str, Any], key: str, low: int, high: int, default: int | None
    ) -> int | None:
        """A whole number between ``low`` and ``high`` (an edited file must not overflow a date)."""
        value: int | None = self.get(data, key, int)
        if value is None:
            return default
        if not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}")
        return value

    def choice(
        self, data: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: str | None
    ) -> str | None:
        value: str | None = self.get(data, key, str)
        if value is None:
            return default
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}")
        return value

    def rule(self, data: Mapping[str, Any]) -> Rule:
        self.rule_id = None
        rule_id = self.get(data, "id", str, required=True)
        self.rule_id = rule_id
        kind = self.choice(data, "kind", KINDS, None)
        if kind is None:
            raise self.fail("kind", "missing")
        window = self.get(data, "window", dict) or {}
        for part in ("from_months", "to_months"):
            value = window.get(part, 0)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 240:
                raise self.fail("window", f"{part} must be a whole number of months from 0 to 240")
        rule = Rule(
            id=rule_id,
            title=self.get(data, "title", str, required=True),
            kind=kind,
            groups=self.codes(data, "groups", TARGET_GROUPS, required=True),
            source=self.get(data, "source", str, required=True),
            confidence=self.get(data, "confidence", str) or "",
            held_by=self.choice(data, "held_by", HELD_BY, "any") or "any",
            channel=self.get(data, "channel", str),
            count=self.number(data, "count", 1, MAX_COUNT, 1) or 1,
            window_from_months=int(window.get("from_months", 0)),
            window_to_months=int(window.get("to_months", 0)),
            window_start=self.offset(data, "window_start"),
            due=self.offset(data, "due"),
            anchor=self.choice(data, "anchor", ("early_followup_requested_on",), None),
            only_if=self.choice(data, "only_if", CONDITIONS, None),
            unless=self.choice(data, "unless", CONDITIONS, None),
            offer_kinds=self.codes(data, "offer_kinds", OFFER_KINDS),
            grace_kinds=self.codes(data, "grace_kinds", OFFER_KINDS),
            grace_weeks=self.number(data, "grace_weeks", 0, 52, 0) or 0,
            min_weeks=self.number(data, "min_weeks", 0, 104, 0) or 0,
            continuous_groups=self.codes(data, "continuous_groups", TARGET_GROUPS),
            min_age=self.number(data, "min_age", 0, 120, None),
            every_months=self.number(data, "every_months", 0, 240, 0) or 0,
            window_months=self.number(data, "window_months", 0, 240, 0) or 0,
            not_before=self.get(data, "not_before", date),
            conversation_kinds=self.codes(data, "conversation_kinds", CONVERSATION_KINDS),
            after=self.offset(data, "after"),
            note=self.get(data, "note", str),
            valid_from=self.get(data, "valid_from", date),
            valid_to=self.get(data, "valid_to", date),
            applies_by=self.choice(data, "applies_by", APPLIES_BY, "due_date") or "due_date",
            sick_categories=self.codes(data, "sick_categories", SICK_CATEGORIES),
            category_unknown=self.choice(data, "category_unknown", ("apply", "skip"), "apply")
            or "apply",
            a_kasse_takes_part=bool(self.get(data, "a_kasse_takes_part", bool)),
            with_a_kasse=bool(self.get(data, "with_a_kasse", bool)),
            after_exemption=self.offset(data, "after_exemption"),
            rule_75=self.codes(data, "rule_75", TARGET_GROUPS),
        )
        self._check_kind(rule, data)
        return rule

    def _check_kind(self, rule: Rule, data: Mapping[str, Any]) -> None:
        needs = {
            "first_by": ("due",),
            "count_in_window": ("count", "window"),
            "offer_by": ("due", "offer_kinds"),
            "assessment_after": ("every_months",),
            "agreed_contact": ("after",),
        }[rule.kind]
        for key in needs:
            if key not in data:
                raise self.fail(key, f"a {rule.kind} rule needs {key}")
        if rule.kind == "count_in_window" and rule.window_to_months <= rule.window_from_months:
            raise self.fail("window", "to_months must be after from_months")
        if rule.count < 1:
            raise self.fail("count", "must be at least 1")
        if not rule.rule_75 <= rule.groups:
            raise self.fail("rule_75", "names a group the rule does not apply to")
        if rule.valid_from and rule.valid_to and rule.valid_to < rule.valid_from:
            raise self.fail("valid_to", "must not be before valid_from")


def parse_rule_set(origin: str, text: str) -> RuleSet:
    """The rule set in ``text`` (the content of the file ``origin``), or a ``RuleFileError``."""
    data = load_toml(origin, text)
    reader = _Reader(origin, text)
    head = reader.get(data, "rule_set", dict, required=True)
    name = reader.get(head, "name", str, required=True)
    valid_from = reader.get(head, "valid_from", date, required=True)
    valid_to = reader.get(head, "valid_to", date)
    transition = reader.get(head, "transition", dict) or {}
    rules_table = reader.get(data, "rule", list) or []
    if not all(isinstance(item, dict) for item in rules_table):
        raise reader.fail("rule", "every rule must be a table ([[rule]])")
    rules = [reader.rule(item) for item in rules_table]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            reader.rule_id = rule.id
            raise reader.fail("id", "the id is used twice")
        seen.add(rule.id)
    return RuleSet(
        name,
        valid_from,
        valid_to,
        tuple(rules),
        origin,
        Transition(
            reader.choice(transition, "applies_by", APPLIES_BY, "due_date") or "due_date",
            str(transition.get("source", "")),
            str(transition.get("confidence", "")),
            transition.get("note"),
        ),
    )


def load_toml(origin: str, text: str) -> dict[str, Any]:
    """``text`` parsed as TOML, or a ``RuleFileError``: also for a file too large to be a rule file
    and for nesting too deep for the parser (a hostile or broken file never raises anything else)."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise RuleFileError(
            origin, None, "-", f"the file is larger than {MAX_FILE_BYTES // 1024} KB"
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise RuleFileError(
            origin, int(match.group(1)) if match else None, "-", str(error)
        ) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise RuleFileError(
            origin, None, "-", "the file is nested too deeply or too large"
        ) from None


def merge(base: RuleSet, override: RuleSet) -> RuleSet:
    """A local override: a rule with the same id replaces the base rule, a new id is added."""
    replaced = {rule.id: rule for rule in override.rules}
    rules = [replaced.pop(rule.id, rule) for rule in base.rules] + list(replaced.values())
    return RuleSet(
        base.name, base.valid_from, base.valid_to, tuple(rules), base.origin, base.transition
    )


def _canonical(value: Any) -> Any:
    """A value in a form whose text is the same in every process (sets sorted, dates as text)."""
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Offset):
        return [value.unit, value.amount]
    return value


def governing_set(rule_sets: Sequence[RuleSet], period_start: date, due: date) -> RuleSet | None:
    """The rule set a requirement due on ``due`` of a period that began on ``period_start`` follows:
    the set in force on the due date — unless that set says (its ``transition``) that periods which
    began before it came into force keep the set in force when they began."""
    chosen = next((rs for rs in rule_sets if rs.in_force_on(due)), None)
    if (
        chosen is not None
        and chosen.applies_by == "period_start"
        and period_start < chosen.valid_from
    ):
        earlier = next((rs for rs in rule_sets if rs.in_force_on(period_start)), None)
        return earlier or chosen
    return chosen


def fingerprint(rule_sets: Sequence[RuleSet], engine_version: int, extra: Any = None) -> str:
    """A short hash that changes whenever a rule (or the engine reading them) changes, so that
    requirements kept in a database are recomputed when they no longer follow the rules in force."""
    data = [
        engine_version,
        [
            [
                rs.name,
                _canonical(rs.valid_from),
                _canonical(rs.valid_to),
                [rs.transition.applies_by],
                [
                    {name: _canonical(getattr(rule, name)) for name in rule.__dataclass_fields__}
                    for rule in rs.rules
                ],
            ]
            for rs in rule_sets
        ],
        extra,
    ]
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
