"""The deadline rules in force: defined in ``app.store.deadline_rule_files``, which imports
nothing of the database layer, so that a start can read its first screen's deadlines before the
ORM is loaded (issue #19); the use cases keep importing them from here."""

from app.store.deadline_rule_files import (
    ALIASES,
    PERIODS,
    SHIPPED,
    LoadedRules,
    load_rule_sets,
    override_path,
    read_rule_file,
    shipped_periods,
    shipped_rule_sets,
    shipped_rules,
)

__all__ = [
    "ALIASES",
    "PERIODS",
    "SHIPPED",
    "LoadedRules",
    "load_rule_sets",
    "override_path",
    "read_rule_file",
    "shipped_periods",
    "shipped_rule_sets",
    "shipped_rules",
]
