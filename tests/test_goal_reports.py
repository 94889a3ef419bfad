"""What a team lead forwards (issue 18): every export carries how each goal is computed beside
its figure; the workbook is made to calculate with (percentages as numbers with a percentage
format, months as dates, suppressed cells empty with a note, title and author set); the
committee PDF shows each approximation; and a target belongs to the years the plan names."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from pypdf import PdfReader

from app.casework.core.actor import Actor
from app.casework.goals.goal_evaluation import evaluate_plan
from app.casework.goals.goal_plans import load_goalplan
from app.casework.goals.goal_targets import set_target
from app.domain.errors import ValidationError
from app.domain.goalplan import GoalPlan, Indicator, Target, target_from, years_from
from app.domain.periods import parse_period
from app.reports.indicator_export import csv_bytes, records
from app.reports.indicator_pdf import indicator_report_pdf
from app.reports.indicator_xlsx import xlsx_bytes
from app.store.engine import Database
from tests.test_measures import ADULT, born, spell

AS_OF = date(2026, 11, 23)
LEAD = Actor(None, "TL", "Tove Larsen", "teamlead", "tove")


def _workbook(evaluation) -> openpyxl.Workbook:  # type: ignore[no-untyped-def]
    return openpyxl.load_workbook(io.BytesIO(xlsx_bytes(evaluation)))


# --- how each goal is computed, in every export ---------------------------------------------------
def test_every_export_says_how_each_goal_is_computed(db: Database) -> None:
    evaluation = evaluate_plan(
        db, load_goalplan("glostrup-2023"), parse_period("2025"), as_of=AS_OF
    )
    data = records(evaluation)
    by_id = {item["id"]: item for item in data["indicators"]}
    assert by_id["mm3_flygtninge"]["fidelity"] == "approximate"
    assert "kun borgere registreret i Min Plan" in by_id["mm3_flygtninge"]["note"]
    friendly = by_id["lokal_venlig_kontakt"]
    assert (friendly["fidelity"], friendly["status"], friendly["value"]) == (
        "not_computable",
        "not_computable",
        None,
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(evaluation).decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-2:] == ["Beregning", "Notat"]
    cells = {row[0]: row for row in rows[1:]}
    assert cells["mm3_flygtninge"][-2] == "Tilnærmelse"
    assert "ikke alle flygtninge bosat i kommunen" in cells["mm3_flygtninge"][-1]
    assert cells["lokal_venlig_kontakt"][-2:] == [
        "Kan ikke beregnes ud fra sagsdata",
        friendly["note"],
    ]
    assert cells["lokal_venlig_kontakt"][8] == "kan ikke beregnes"
    summary = _workbook(evaluation)["Oversigt"]
    header = [c.value for c in summary[5]]
    assert header[-2:] == ["Beregning", "Notat"]
    notes = {row[0]: row for row in summary.iter_rows(min_row=6, values_only=True)}
    assert (
        notes["Ministermål 3: flere flygtninge og familiesammenførte skal være selvforsørgende"][8]
        == "Tilnærmelse"
    )
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(indicator_report_pdf(evaluation))).pages
        ).split()
    )
    # the committee PDF shows each approximation beside its goal, and why a goal is not computed
    assert "≈ Tilnærmelse: Jobindsats' MM13" in text
    assert "Kan ikke beregnes ud fra sagsdata: Om kontakten opleves venlig" in text


def test_the_english_exports_use_the_english_note(db: Database) -> None:
    from app import i18n

    i18n.set_language("en")
    try:
        evaluation = evaluate_plan(
            db, load_goalplan("herlev-2024"), parse_period("2024"), as_of=AS_OF
        )
        data = records(evaluation)
        refugees = next(i for i in data["indicators"] if i["id"] == "flygtninge_selvforsoergende")
        assert refugees["note"].startswith("Jobindsats' MM13 as a monthly status")
    finally:
        i18n.set_language("da")


# --- the workbook a team lead forwards ------------------------------------------------------------
def test_the_workbook_holds_numbers_dates_and_empty_suppressed_cells(
    db: Database, actor: Actor
) -> None:
    from app.casework.benefits.employment import register_employment

    for n in range(20):  # 20 flagged refugees on jobparat kontanthjælp, 15 with paid hours
        who = born(db, actor, ADULT, refugee_or_reunified=True, refugee_year=2020)
        spell(db, actor, who, "kontanthjaelp_jobparat", date(2023, 1, 1))
        if n < 15:
            register_employment(
                db,
                actor,
                who,
                {"kind": "paid_hours", "start_date": date(2023, 1, 1), "hours_per_month": 20},
            )
    for _ in range(3):  # three in fleksjob: a figure below the threshold
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2023, 1, 1))
    evaluation = evaluate_plan(
        db, load_goalplan("herlev-2024"), parse_period("2024-Q1"), compare="last-year", as_of=AS_OF
    )
    book = _workbook(evaluation)
    assert book.properties.title == "Herlev 2024–2025: resultatmål · 1. kvartal 2024"
    assert book.properties.creator == "Jobcentret"  # the letterhead's municipality
    summary = book["Oversigt"]
    rows = {row[0].value: row for row in summary.iter_rows(min_row=6) if row[0].value}
    refugees = rows[
        "Mindst 75 % af jobparate flygtninge og familiesammenførte helt eller delvist selvforsørgende"
    ]
    # 15 of 20 = 75 %: a number, 0.75, shown as a percentage
    assert refugees[2].value == 0.75 and refugees[2].number_format == "0.0%"
    assert refugees[6].value == 0.75 and refugees[6].number_format == "0.0%"  # 2023-Q1
    flex = rows["Fuldtidspersoner i fleksjob"]
    # suppressed: empty, so the column stays numeric, with a comment and a note beside it
    assert flex[2].value is None and flex[2].comment is not None
    assert "færre end 5 personer" in flex[2].comment.text
    assert "Skjult: færre end 5 personer" in flex[9].value
    column = [row[2].value for row in summary.iter_rows(min_row=6)]
    assert all(v is None or isinstance(v, int | float) for v in column)
    sheet = book["flygtninge_selvforsoergende"]
    months = [r for r in sheet.iter_rows() if isinstance(r[0].value, datetime)]
    assert [r[0].value for r in months] == [datetime(2024, m, 1) for m in (1, 2, 3)]
    assert {r[0].number_format for r in months} == {"mmm yyyy"}
    assert [r[1].value for r in months] == [0.75, 0.75, 0.75]
    assert sheet["A3"].value.startswith("Sådan beregnes det: Tilnærmelse — Jobindsats' MM13")
    flex_sheet = book["fleksjob_fte"]
    flex_months = [r for r in flex_sheet.iter_rows() if isinstance(r[0].value, datetime)]
    assert [r[1].value for r in flex_months] == [None, None, None]
    assert all(r[1].comment is not None for r in flex_months)


# --- targets tied to their year ---------------------------------------------------------------------
def test_a_target_belongs_to_the_years_the_plan_names(db: Database, actor: Actor) -> None:
    for _ in range(6):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2023, 1, 1))
    herlev = load_goalplan("herlev-2024")

    def flex(period: str):  # type: ignore[no-untyped-def]
        evaluation = evaluate_plan(db, herlev, parse_period(period), as_of=AS_OF, series=False)
        return next(r for r in evaluation.results if r.indicator.id == "fleksjob_fte")

    assert (flex("2024").indicator.target, flex("2024").status) == (
        Target(minimum=380, years=(2024,)),
        "not_met",
    )
    assert flex("2024-03").indicator.target is not None  # a month of 2024 is held against it
    for other in ("2025", "2023-Q4", "2024-07-01..2025-06-30"):
        result = flex(other)
        assert (result.indicator.target, result.status) == (None, "no_target"), other
    # Albertslund: a fall each year until 2022, at most 10 % in 2022
    albertslund = load_goalplan("albertslund-2020")
    share = next(i for i in albertslund.indicators if i.id == "ledighedsydelse_andel")
    assert share.target_for(date(2021, 1, 1), date(2021, 12, 31)).direction == "down"
    assert share.target_for(date(2022, 1, 1), date(2022, 3, 31)).maximum == 10
    assert share.target_for(date(2023, 1, 1), date(2023, 12, 31)) is None


def test_a_team_lead_ties_a_target_to_years(db: Database, actor: Actor) -> None:
    for _ in range(6):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2023, 1, 1))
    set_target(db, LEAD, "herlev-2024", "fleksjob_fte", {"minimum": 5, "years": "2025, 2026"})
    herlev = load_goalplan("herlev-2024")

    def target(period: str):  # type: ignore[no-untyped-def]
        evaluation = evaluate_plan(db, herlev, parse_period(period), as_of=AS_OF, series=False)
        return next(r for r in evaluation.results if r.indicator.id == "fleksjob_fte")

    assert target("2025").indicator.target == Target(minimum=5, years=(2025, 2026))
    assert target("2025").status == "met"
    assert target("2024").indicator.target is None  # the lead's target replaced the file's
    with pytest.raises(ValidationError):
        set_target(db, LEAD, "herlev-2024", "fleksjob_fte", {"minimum": 5, "years": "næste år"})
    # a plan made in the app keeps the years too
    from app.casework.goals.goal_plans import save_goal_plan

    plan = GoalPlan(
        "",
        "Egne mål",
        "",
        "monthly",
        (
            Indicator(
                "",
                "Fleksjob",
                "fte",
                {"groups": ["fleksjob"]},
                Target(minimum=5, years=(2026,)),
                fidelity="approximate",
                note="Et eksempel på en tilnærmelse.",
            ),
        ),
        editable=True,
    )
    _saved, key = save_goal_plan(db, LEAD, plan)
    stored = load_goalplan(key, db).indicators[0]
    assert (stored.target, stored.fidelity, stored.note) == (
        Target(minimum=5, years=(2026,)),
        "approximate",
        "Et eksempel på en tilnærmelse.",
    )
    with pytest.raises(ValidationError):  # an approximation must say what is approximated
        save_goal_plan(db, LEAD, GoalPlan("", "Uden notat", "", "monthly", (
            Indicator("", "Fleksjob", "fte", {}, fidelity="approximate"),), editable=True))  # fmt: skip


def test_years_are_read_as_a_team_lead_writes_them() -> None:
    assert years_from("2024") == (2024,)
    assert years_from("2025, 2024;2024") == (2024, 2025)
    assert years_from("2024-2026") == (2024, 2025, 2026)
    assert years_from([2024]) == (2024,) and years_from(None) == ()
    for bad in ("24", "næste år", "2024-", [True]):
        with pytest.raises(ValidationError):
            years_from(bad)
    assert target_from({"max": 95, "years": [2024]}) == Target(maximum=95, years=(2024,))
    assert json.dumps(Target(maximum=95, years=(2024,)).as_dict()) == (
        '{"maximum": 95, "years": [2024]}'
    )
