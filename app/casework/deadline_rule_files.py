"""Reading the deadline rule sets: the shipped files plus an optional local override file.

A malformed override never leaves the caseworker without deadlines: the shipped (or last good)
rules stay in use and the problem is returned to be shown, naming file, line and field.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from app import paths
from app.domain.deadline_rules import RuleFileError, RuleSet, merge, parse_rule_set
from app.domain.errors import MinPlanError, ValidationError

log = logging.getLogger(__name__)
SHIPPED = ("lab_2024.toml", "lab_2026.toml")


@dataclass(frozen=True)
class LoadedRules:
    rule_sets: tuple[RuleSet, ...]
    problem: MinPlanError | None = None


def read_rule_file(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValidationError(
            "Cannot read the rule file {path}: {reason}", path=str(path), reason=str(error)
        ) from None
    return parse_rule_set(path.name, text)


def shipped_rule_sets() -> tuple[RuleSet, ...]:
    folder = paths.resources_dir() / "rules"
    return tuple(read_rule_file(folder / name) for name in SHIPPED)


def override_path() -> Path | None:
    """The local override file: ``MINPLAN_RULES`` or ``rules.toml`` in the user's config folder."""
    chosen = os.environ.get("MINPLAN_RULES")
    if chosen:
        return Path(chosen)
    default = paths.user_config_dir() / "rules.toml"
    return default if default.exists() else None


_last_good: tuple[RuleSet, ...] | None = None


def load_rule_sets(override: Path | None = None) -> LoadedRules:
    """The rule sets in force; an override with the name of a shipped set changes that set,
    another name adds a set. A broken override gives the last good rules and the problem."""
    global _last_good
    shipped = shipped_rule_sets()
    path = override or override_path()
    if path is None:
        _last_good = shipped
        return LoadedRules(shipped)
    try:
        extra = read_rule_file(path)
    except (RuleFileError, ValidationError) as problem:
        log.warning("rule override %s refused", path.name)
        return LoadedRules(_last_good or shipped, problem)
    merged = [merge(rs, extra) if rs.name == extra.name else rs for rs in shipped]
    if extra.name not in {rs.name for rs in shipped}:
        merged.append(extra)
    _last_good = tuple(merged)
    return LoadedRules(_last_good)
