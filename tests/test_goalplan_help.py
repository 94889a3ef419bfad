"""The help's table per goal plan is generated from the plan files and cannot drift: the committed
pages equal what the generator makes now, and every goal of every shipped plan is in them, with
how it is computed and whether faithfully, approximately or not at all."""

from __future__ import annotations

from pathlib import Path

from app import i18n
from app.domain.goalplan import FIDELITY
from app.reports.goalplan_help import HELP_FILE, help_dir, help_page, plan_markdown, write_help
from app.reports.goalplans import shipped_goalplans

REGENERATE = "the plans changed: run  python -m app.reports.goalplan_help  and commit the pages"


def test_the_committed_help_pages_are_the_generated_ones() -> None:
    for code in i18n.SUPPORTED:
        committed = (help_dir() / code / HELP_FILE).read_text(encoding="utf-8")
        assert committed == help_page(code), f"{code}: {REGENERATE}"
    assert i18n.current_language() == "da", "the generator puts the language back"


def test_every_goal_of_every_plan_is_classified_and_explained() -> None:
    pages = {code: help_page(code) for code in i18n.SUPPORTED}
    for plan in shipped_goalplans():
        assert plan.indicators
        for indicator in plan.indicators:
            assert indicator.fidelity in FIDELITY
            # the shipped plans say how every goal is read, in both languages
            assert indicator.note and indicator.note_en, indicator.id
            for page in pages.values():
                assert indicator.label.replace("|", "\\|") in page
        section = plan_markdown(plan, "en")
        rows = [
            line for line in section.splitlines() if line.startswith("| ") and "---" not in line
        ]
        assert len(rows) == len(plan.indicators) + 1  # the header row and one row per goal
        approximated = sum(i.fidelity == "approximate" for i in plan.indicators)
        assert sum("≈ Approximation" in row for row in rows) == approximated
    assert "– Not computable from case data" in pages["en"]
    assert "– Kan ikke beregnes ud fra sagsdata" in pages["da"]
    assert "(a satisfaction survey)" in pages["en"]  # Gentofte's "attractive partner"


def test_the_table_names_the_targets_with_their_years(tmp_path: Path) -> None:
    herlev = next(p for p in shipped_goalplans() if p.id == "herlev-2024")
    english = plan_markdown(herlev, "en")
    assert "Target: ≤ 95 (2024)" in english and "Target: ≥ 380 (2024)" in english
    albertslund = next(p for p in shipped_goalplans() if p.id == "albertslund-2020")
    assert "(2020–2021); ≤ 10 % (2022)" in plan_markdown(albertslund, "en")
    written = write_help(tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == [
        "da/goal-plans.md",
        "en/goal-plans.md",
    ]
