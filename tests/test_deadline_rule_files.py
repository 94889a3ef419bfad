"""Rule files as data: the shipped sets are complete; a broken override names file, line and field
and leaves the last good rules in force; a good override changes or adds rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.casework.deadlines.deadline_rule_files import (
    load_rule_sets,
    shipped_periods,
    shipped_rule_sets,
    shipped_rules,
)
from app.domain.count_periods import parse_period_rules
from app.domain.deadline_rules import RuleFileError, parse_rule_set

GOOD_OVERRIDE = """
[rule_set]
name = "LAB 2026"
valid_from = 2026-07-01

[[rule]]
id = "four_in_six_months"
title = "5 jobsamtaler in the first 6 months (local goal)"
kind = "count_in_window"
groups = ["kontanthjaelp_jobparat"]
count = 5
window = { from_months = 0, to_months = 6 }
source = "Local goal, Jobcenter Eksempel"
confidence = "local"
"""


def test_the_shipped_rule_sets_cover_every_rule_of_domain_md() -> None:
    lab2024, lab2026 = shipped_rule_sets()
    assert (lab2024.name, lab2024.valid_from.isoformat(), lab2024.valid_to.isoformat()) == (
        "LAB",
        "2020-01-01",
        "2026-06-30",
    )
    assert (lab2026.name, lab2026.valid_from.isoformat(), lab2026.valid_to) == (
        "LAB 2026",
        "2026-07-01",
        None,
    )
    kinds = {rule.kind for rule in lab2024.rules}
    assert kinds == {
        "first_by",
        "count_in_window",
        "offer_by",
        "assessment_after",
        "agreed_contact",
    }
    for rule in lab2024.rules + lab2026.rules:
        assert rule.source and rule.confidence and rule.groups
        if rule.confidence in ("medium", "low"):
            assert rule.note or "as changed" in rule.source or "LAB 2026" in lab2026.name, rule.id
    assert lab2026.transition.applies_by == "due_date"
    assert lab2026.transition.source and lab2026.transition.confidence and lab2026.transition.note


def test_the_period_rules_name_a_source_for_every_benefit() -> None:
    periods = shipped_periods()
    assert {f.name for f in periods.families} >= {
        "dagpenge",
        "kontanthjaelp",
        "uddannelseshjaelp",
        "sygedagpenge",
        "revalidering",
    }
    for family in periods.families:
        assert family.source and family.confidence
    assert periods.family_of("kontanthjaelp_jobparat") is periods.family_of(
        "kontanthjaelp_aktivitetsparat"
    )
    assert periods.family_of("fleksjob") is None


@pytest.mark.parametrize(
    "text",
    [
        "[family]\n" + "x = " + "[" * 5000 + "]" * 5000,  # nesting deeper than the parser goes
        '[[family]]\nname = "k"\ngroups = ["kontanthjaelp"]\ncounts_from = "first_request"\nsource = "x"',
        '[[family]]\nname = "k"\ngroups = ["dagpenge"]\ncounts_from = "tomorrow"\nsource = "x"',
        "[dagpenge]\nhours_per_week = 1e300",
    ],
)
def test_a_broken_period_file_is_refused_with_a_rule_file_error(text: str) -> None:
    with pytest.raises(RuleFileError):
        parse_period_rules("periods.toml", text)


@pytest.mark.parametrize(
    ("change", "line", "field"),
    [
        (("count = 4", 'count = "four"'), 11, "count"),
        (('groups = ["kontanthjaelp_jobparat"]', 'groups = ["kontanthjaelp"]'), 10, "groups"),
        (('kind = "count_in_window"', 'kind = "sometimes"'), 9, "kind"),
        (
            ('source = "Local goal, Jobcenter Eksempel"\n', ""),
            6,
            "source",
        ),  # a missing field: the rule's first line,
    ],
)
def test_a_malformed_rule_names_file_line_and_field(change, line, field) -> None:
    text = GOOD_OVERRIDE.replace("count = 5", "count = 4").replace(*change)
    with pytest.raises(RuleFileError) as problem:
        parse_rule_set("rules.toml", text)
    error = problem.value
    assert (error.origin, error.field_name) == ("rules.toml", field)
    assert error.line == line
    from app import i18n

    i18n.set_language("en")
    assert i18n.translate_error(error).startswith(f"rules.toml, line {error.line}, field {field}:")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (("count = 5", "count = 99999999999999999999"), "count"),
        (("to_months = 6", "to_months = 100000000"), "window"),
        (("count = 5", "count = 5\nevery_months = 1000000000"), "every_months"),
    ],
)
def test_a_huge_number_is_refused_before_it_reaches_date_arithmetic(change, field) -> None:
    with pytest.raises(RuleFileError) as problem:
        parse_rule_set("rules.toml", GOOD_OVERRIDE.replace(*change))
    assert problem.value.field_name == field


def test_deep_nesting_and_a_huge_file_are_refused_calmly(tmp_path: Path) -> None:
    with pytest.raises(RuleFileError):
        parse_rule_set("rules.toml", "x = " + "[" * 100_000 + "]" * 100_000)
    huge = tmp_path / "rules.toml"
    huge.write_text(GOOD_OVERRIDE + "# " + "x" * (44 * 1024 * 1024) + "\n", encoding="utf-8")
    loaded = load_rule_sets(huge)
    assert isinstance(loaded.problem, RuleFileError)
    assert loaded.rule_sets == shipped_rule_sets()


def test_an_override_still_named_lab_2024_changes_the_lab_set(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        GOOD_OVERRIDE.replace('name = "LAB 2026"', 'name = "LAB 2024"').replace(
            "2026-07-01", "2024-01-01"
        ),
        encoding="utf-8",
    )
    loaded = load_rule_sets(path)
    assert [rs.name for rs in loaded.rule_sets] == ["LAB", "LAB 2026"]
    lab = loaded.rule_sets[0]
    assert next(r for r in lab.rules if r.id == "four_in_six_months").count == 5
    assert loaded.book.fingerprint(1) != shipped_rules().fingerprint(1)


def test_a_broken_toml_file_names_the_line() -> None:
    with pytest.raises(RuleFileError) as problem:
        parse_rule_set("rules.toml", '[rule_set]\nname = "x\nvalid_from = 2026-01-01\n')
    assert problem.value.line == 2


def test_a_good_override_replaces_a_rule_and_a_broken_one_keeps_the_last_good_rules(
    tmp_path: Path,
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD_OVERRIDE, encoding="utf-8")
    loaded = load_rule_sets(path)
    assert loaded.problem is None
    lab2026 = next(rs for rs in loaded.rule_sets if rs.name == "LAB 2026")
    rule = next(r for r in lab2026.rules if r.id == "four_in_six_months")
    assert (rule.count, rule.groups) == (5, frozenset({"kontanthjaelp_jobparat"}))
    path.write_text(GOOD_OVERRIDE.replace("count = 5", "count = -1"), encoding="utf-8")
    again = load_rule_sets(path)
    assert isinstance(again.problem, RuleFileError)
    assert again.rule_sets == loaded.rule_sets


def test_every_shipped_rule_title_is_translated() -> None:
    from app import i18n
    from app.wording.deadline_text import RULE_TITLES, rule_title

    i18n.set_language("da")
    for rule_set in shipped_rule_sets():
        for rule in rule_set.rules:
            assert rule.title in RULE_TITLES, rule.id
            assert (
                rule_title(rule.title) != rule.title
                or rule.title.startswith("4 jobsamtaler") is False
            )
