"""The help's table per goal plan — goal → how it is computed → faithful / approximate / not
computable — generated from the plan files, so it cannot drift from what the app computes.

``python -m app.reports.goalplan_help`` writes ``app/resources/help/{da,en}/goal-plans.md`` for the
four shipped plans; a test checks that the committed files equal what this module makes. The
indicators page shows the same table for the plan on screen (plans made in the app included).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app import i18n, paths
from app.domain.codes import OFFER_KINDS, TARGET_GROUPS
from app.domain.goalplan import FIDELITY, FOLLOW_UP, PARAMS, GoalPlan, Indicator
from app.i18n import N_
from app.reports.measure_catalog import MEASURES

HELP_FILE = "goal-plans.md"
FIDELITY_MARKS = {"faithful": "✓", "approximate": "≈", "not_computable": "–"}


@contextmanager
def language(code: str) -> Iterator[None]:
    """Translate into ``code`` for a while (the help is made in both languages)."""
    before = i18n.current_language()
    i18n.set_language(code)
    try:
        yield
    finally:
        i18n.set_language(before)


def params_words(measure: str, params: Mapping[str, Any]) -> str:
    """A measure's parameters in words: "Dagpenge, Sygedagpenge · 18–29 years · …"."""
    _ = i18n._
    parts = []
    for key in ("groups", "kinds"):
        if params.get(key):
            vocabulary = TARGET_GROUPS if key == "groups" else OFFER_KINDS
            parts.append(", ".join(i18n.label(vocabulary, code) for code in params[key]))
    found = MEASURES.get(measure)
    defaults = found.defaults if found else {}
    low = params.get("min_age", defaults.get("min_age"))
    high = params.get("max_age", defaults.get("max_age"))
    if low is not None or high is not None:
        parts.append(
            _("{low}–{high} years").format(
                low="" if low is None else low, high="" if high is None else high
            )
        )
    if found and "min_employees" in found.params:
        parts.append(
            _("at least {n} employees").format(
                n=params.get("min_employees", defaults.get("min_employees"))
            )
        )
    for name in ("min_hours", "counts_too", "local_only"):
        if params.get(name):
            choices = PARAMS[name].choices or {}
            parts.append(_(choices.get(params[name], str(params[name]))))
    if params.get("window_weeks") or params.get("min_share"):
        parts.append(
            _("at least {share} % of the last {weeks} weeks").format(
                share=params.get("min_share", 80), weeks=params.get("window_weeks", 52)
            )
        )
    return " · ".join(parts)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def how_computed(indicator: Indicator) -> str:
    """The second column: the measure, its parameters, the target(s) and the note."""
    from app.reports.indicator_text import note_text, target_text

    _ = i18n._
    if not indicator.computable:
        return note_text(indicator)
    found = MEASURES[indicator.measure]
    head = f"**{_(found.title)}**"
    words = params_words(indicator.measure, indicator.params)
    if words:
        head += f" ({words})"
    parts = [head]
    targets = [target_text(t.as_dict(), found.unit) for t in indicator.targets]
    parts.append(
        _("Target: {target}").format(target="; ".join(targets)) if targets else _("No target")
    )
    note = note_text(indicator)
    if note:
        parts.append(note)
    return ". ".join(p.rstrip(".") for p in parts) + "."


def plan_markdown(plan: GoalPlan, code: str) -> str:
    """One plan's section: name, validity and follow-up, and the table of its goals."""
    with language(code):
        _ = i18n._
        lines = [f"## {plan.name}", ""]
        facts = [plan.municipality] if plan.municipality else []
        if plan.valid_from or plan.valid_to:
            facts.append(
                _("valid {start} – {end}").format(
                    start=i18n.format_date(plan.valid_from, "long"),
                    end=i18n.format_date(plan.valid_to, "long"),
                )
            )
        facts.append(_("followed {how}").format(how=_(FOLLOW_UP[plan.follow_up]).lower()))
        lines += [" · ".join(facts), ""]
        counts = {key: sum(i.fidelity == key for i in plan.indicators) for key in FIDELITY}
        lines += [
            _(
                "{faithful} computed as the plan says, {approximate} approximated, {none} not computable from case data."
            ).format(
                faithful=counts["faithful"],
                approximate=counts["approximate"],
                none=counts["not_computable"],
            ),
            "",
            "| " + " | ".join((_("Goal"), _("How it is computed"), _("Computed"))) + " |",
            "|---|---|---|",
        ]
        for indicator in plan.indicators:
            mark = FIDELITY_MARKS.get(indicator.fidelity, "")
            lines.append(
                f"| {_cell(indicator.label)} | {_cell(how_computed(indicator))} | "
                f"{mark} {_cell(_(FIDELITY[indicator.fidelity]))} |"
            )
        return "\n".join(lines) + "\n"


INTRO = N_(
    "A team lead who reports these figures to the employment committee must be able to trust "
    "that each figure is the one the plan names. Every goal of the four reference plans is "
    "therefore one of three: ✓ computed as the plan says (measure, groups, period, target and "
    "direction as the plan has them; the note says how the plan's words are read where they "
    "leave a choice), ≈ computed with a stated approximation (the note says what differs, and "
    "it is shown beside the figure on the page and in every export), or – not computable from "
    "case data (the note says why, e.g. a survey). A target belongs to the years the plan names: "
    "another year shows the goal without a target."
)
GENERATED = N_(
    "This page is made from the plan files in app/resources/goalplans/ (python -m "
    "app.reports.goalplan_help); change the plans there, not here. The button How computed… on "
    "the Goals and indicators page shows the same table for the plan on screen, plans made in "
    "the app included."
)


def help_page(code: str) -> str:
    """The whole help page for the shipped plans in language ``code``."""
    from app.reports.goalplans import shipped_goalplans

    with language(code):
        _ = i18n._
        title = _("Goal plans: how each goal is computed")
        parts = ["# " + title, "", _(INTRO), "", _(GENERATED)]
    for plan in shipped_goalplans():
        parts += ["", plan_markdown(plan, code).rstrip("\n")]
    return "\n".join(parts) + "\n"


def help_dir() -> Path:
    return paths.resources_dir() / "help"


def write_help(folder: Path | None = None) -> list[Path]:
    """Write the Danish and English pages; returns the files written."""
    folder = folder or help_dir()
    written = []
    for code in i18n.SUPPORTED:
        path = folder / code / HELP_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(help_page(code), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a developer's command
    for written_path in write_help():
        print(written_path, file=sys.stderr)
