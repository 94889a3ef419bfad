"""The words of the indicator reports: figures with their units, periods, targets, statuses,
comparisons and notes, in the user's language.

Shared by every rendering of a goal plan's evaluation (the JSON/CSV export, the XLSX workbook,
the committee PDF, the help's plan pages) and by the indicator pages of the window.
"""

from __future__ import annotations

from typing import Any

from app import i18n
from app.domain.codes import N_
from app.domain.goalplan import COMPARE, FIDELITY, Indicator
from app.reports.goalplans import Evaluation, IndicatorResult

STATUS = {
    "met": N_("met"),
    "not_met": N_("not met"),
    "no_target": N_("no target"),
    "suppressed": N_("suppressed"),
    "no_data": N_("no figures"),
    "not_computable": N_("not computable"),
}
#: Units of the measures (every figure shown carries one: ``unit_word``).
UNITS = {"fte": N_("full-time persons"), "share": "%", "days": N_("days")}
#: The unit column of the exports ("" for a goal not computable from case data).
UNIT_NAMES = {**UNITS, "persons": N_("persons"), "count": N_("number"), "": ""}


def number(value: float | None, digits: int | None = None) -> str:
    """A figure the Danish (or English) way, without thousands separators in files."""
    if value is None:
        return ""
    if digits is None:
        digits = 2 if value % 1 else 0
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if i18n.current_language() == "da" else text


def shown(value: float | None, suppressed: bool, threshold: int) -> str:
    """How a figure reads on screen and on paper: "12,5", "<5" or "–"."""
    if suppressed:
        return f"<{threshold}"
    if value is None:
        return "–"
    return i18n.format_number(value, 1 if value % 1 else 0)


def month_label(label: str, *, with_year: bool = False) -> str:
    """ "2026-03" as "mar" (or "mar 26"), for chart axes."""
    from babel.dates import get_month_names

    year, month = label.split("-")
    name = get_month_names("abbreviated", locale=i18n.locale())[int(month)].rstrip(".")
    return f"{name} {year[2:]}" if with_year else name


def month_name(label: str) -> str:
    """ "2026-03" as "marts 2026"."""
    from babel.dates import get_month_names

    year, month = label.split("-")
    return f"{get_month_names('wide', locale=i18n.locale())[int(month)]} {year}"


def period_text(label: str | None) -> str:
    """A period label for people: "2025", "3. kvartal 2025", "marts 2025", "01.01.–23.11.2025"."""
    import re
    from datetime import date as day

    if not label:
        return ""
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", label):
        return i18n._("Q{quarter} {year}").format(quarter=m.group(2), year=m.group(1))
    if re.fullmatch(r"\d{4}-\d{2}", label):
        return month_name(label)
    if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})", label):
        first, last = day.fromisoformat(m.group(1)), day.fromisoformat(m.group(2))
        return f"{i18n.format_short_date(first)}–{i18n.format_short_date(last)}"
    return label


def last_complete_month(evaluation: Evaluation) -> str | None:
    """The label of the last month of the trend that is over, if any."""
    labels = [p.label for p in next(iter(evaluation.series.values()), ()) if p.state == "complete"]
    return labels[-1] if labels else None


def target_text(target: dict[str, Any] | None, unit: str, unit_label: str | None = None) -> str:
    """ "≥ 50 %", "≤ 95", "40–60", "falls compared with the same period last year", "no target";
    with ``unit_label`` a figure carries it ("≥ 380 full-time persons")."""
    if not target:
        return i18n._("no target")
    suffix = " %" if unit == "share" else f" {unit_label}" if unit_label else ""
    low, high = target.get("minimum"), target.get("maximum")
    parts = []
    if low is not None and high is not None:
        parts.append(f"{i18n.format_number(low)}–{i18n.format_number(high)}{suffix}")
    elif low is not None:
        parts.append(f"≥ {i18n.format_number(low)}{suffix}")
    elif high is not None:
        parts.append(f"≤ {i18n.format_number(high)}{suffix}")
    if target.get("direction"):
        basis = i18n._(COMPARE.get(target.get("compare") or "last-year", ""))
        parts.append(
            (
                i18n._("rises compared with {basis}")
                if target["direction"] == "up"
                else i18n._("falls compared with {basis}")
            ).format(basis=basis)
        )
    text = ", ".join(parts)
    return f"{text} ({years_text(target.get('years'))})" if target.get("years") else text


def years_text(years: list[int] | tuple[int, ...] | None) -> str:
    """ "2024", "2024–2025", "2020, 2022"."""
    years = sorted(years or ())
    if not years:
        return ""
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(y) for y in years)


def fidelity_text(indicator: Indicator) -> str:
    """How the goal is computed, in words: "Approximation", "Computed as the plan says", …"""
    return i18n._(FIDELITY.get(indicator.fidelity, FIDELITY["faithful"]))


def note_text(indicator: Indicator) -> str:
    """The goal's note in the user's language (what is approximated, why it cannot be computed,
    or how the plan's words are read); "" when the goal has none."""
    return indicator.note_in(i18n.current_language())


def how_text(indicator: Indicator) -> str:
    """The fidelity and the note in one sentence, for beside the figure: "Approximation: …"."""
    note = note_text(indicator)
    return f"{fidelity_text(indicator)}: {note}" if note else fidelity_text(indicator)


def counted_text(indicator: Indicator) -> str:
    """What is counted (the measure's definition), or "" for a goal not computable."""
    from app.reports.measure_catalog import MEASURES

    if not indicator.computable:
        return ""
    return i18n._(MEASURES[indicator.measure].definition)


#: What a count counts, by measure ("12 companies", "30 offers"); another count is a "number".
COUNT_NOUNS = {
    "offers_started": N_("offers"),
    "company_contacts_unique": N_("companies"),
    "company_contacts_to_offer": N_("companies"),
}


def unit_word(r: IndicatorResult) -> str:
    """The unit a figure is read in: "full-time persons", "persons", "%", "days", "companies"."""
    if r.unit == "count":
        return i18n._(COUNT_NOUNS.get(r.indicator.measure, N_("number")))
    found = UNIT_NAMES.get(r.unit, "")
    return i18n._(found) if found else ""


def _with_unit(text: str, unit: str) -> str:
    return f"{text} {unit}" if unit and text != "–" else text


def figure_text(r: IndicatorResult, threshold: int) -> str:
    """The actual figure with its unit: "247,2 fuldtidspersoner", "<5 personer", "–"."""
    return _with_unit(shown(r.value, r.suppressed, threshold), unit_word(r))


def difference_text(r: IndicatorResult) -> str:
    """Actual minus comparison with its unit: "+3 persons", "−1,5 percentage points"; "" when
    either figure is missing or suppressed."""
    if r.value is None or r.comparison is None or r.suppressed or r.comparison_suppressed:
        return ""
    change = r.value - r.comparison
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    figure = i18n.format_number(abs(change), 1 if round(abs(change), 1) % 1 else 0)
    unit = i18n._("percentage points") if r.unit == "share" else unit_word(r)
    return f"{sign}{figure} {unit}".rstrip()


def comparison_text(r: IndicatorResult, threshold: int) -> str:
    """The comparison figure with its unit and period, and the change:
    "216,8 fuldtidspersoner (2025); +30,4 fuldtidspersoner"; "–" without a comparison."""
    if not r.comparison_label:
        return "–"
    value = _with_unit(shown(r.comparison, r.comparison_suppressed, threshold), unit_word(r))
    text = f"{value} ({period_text(r.comparison_label)})"
    change = difference_text(r)
    return f"{text}; {change}" if change else text


def summary_header() -> list[str]:
    """The columns of an export's summary (CSV and the XLSX summary sheet)."""
    return [
        i18n._(text)
        for text in (
            N_("Indicator"),
            N_("Measure"),
            N_("Actual"),
            N_("Unit"),
            N_("Target"),
            N_("Comparison period"),
            N_("Comparison"),
            N_("Status"),
            N_("How computed"),
            N_("Note"),
        )
    ]
