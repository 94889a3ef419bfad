"""Reading the deadline rules: the shipped files plus an optional local override file.

A malformed override never leaves the caseworker without deadlines: the shipped (or last good)
rules stay in use and the problem is returned to be shown, naming file, line and field.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.domain.count_periods import PeriodRules, parse_period_rules
from app.domain.deadline_rules import (
    MAX_FILE_BYTES,
    RuleFileError,
    RuleSet,
    merge,
    parse_rule_set,
)
from app.domain.deadlines import RuleBook
from app.domain.errors import MinPlanError, ValidationError

log = logging.getLogger(__name__)
SHIPPED = ("lab.toml", "lab_2026.toml")
PERIODS = "periods.toml"
#: Names an override file may still use for a shipped set (the "LAB" set was called "LAB 2024"
#: until it was extended back to 2020).
ALIASES = {"LAB 2024": "LAB"}


@dataclass(frozen=True)
class LoadedRules:
    rule_sets: tuple[RuleSet, ...]
    periods: PeriodRules
    problem: MinPlanError | None = None

    @property
    def book(self) -> RuleBook:
        return RuleBook(self.rule_sets, self.periods)


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise RuleFileError(
                path.name, None, "-", f"the file is larger than {MAX_FILE_BYTES // 1024} KB"
            )
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(
            "Cannot read the rule file {path}: {reason}", path=str(path), reason=str(error)
        ) from None


def read_rule_file(path: Path) -> RuleSet:
    return parse_rule_set(path.name, _read_text(path))


def shipped_rule_sets() -> tuple[RuleSet, ...]:
    folder = paths.resources_dir() / "rules"
    return tuple(read_rule_file(folder / name) for name in SHIPPED)


def shipped_periods() -> PeriodRules:
    path = paths.resources_dir() / "rules" / PERIODS
    return parse_period_rules(path.name, _read_text(path))


def shipped_rules() -> RuleBook:
    """The shipped rule sets and period rules, without any local override (tests, reference)."""
    return RuleBook(shipped_rule_sets(), shipped_periods())


def override_path() -> Path | None:
    """The local override file: ``MINPLAN_RULES`` or ``rules.toml`` in the user's config folder."""
    chosen = os.environ.get("MINPLAN_RULES")
    if chosen:
        return Path(chosen)
    default = paths.user_config_dir() / "rules.toml"
    return default if default.exists() else None


_last_good: tuple[RuleSet, ...] | None = None


def load_rule_sets(override: Path | None = None) -> LoadedRules:
    """The rules in force; an override with the name of a shipped set changes that set, another
    name adds a set. A broken override gives the last good rules and the problem."""
    global _last_good
    shipped = shipped_rule_sets()
    periods = shipped_periods()
    path = override or override_path()
    if path is None:
        _last_good = shipped
        return LoadedRules(shipped, periods)
    try:
        extra = read_rule_file(path)
    except (RuleFileError, ValidationError) as problem:
        log.warning("rule override %s refused", path.name)
        return LoadedRules(_last_good or shipped, periods, problem)
    name = ALIASES.get(extra.name, extra.name)
    merged = [merge(rs, extra) if rs.name == name else rs for rs in shipped]
    if name not in {rs.name for rs in shipped}:
        merged.append(extra)
    _last_good = tuple(merged)
    return LoadedRules(_last_good, periods)
