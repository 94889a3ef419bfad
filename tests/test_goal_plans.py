"""Goal plans: the four shipped plans load and evaluate on demo data; plans made in the app are
stored, audited and role-checked; the threshold comes from the organisation setting; exports hold
the same numbers as the JSON, are audited with their checksum, neutralise formula-looking text,
and the previous export of the same plan and period can be compared with."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.casework.admin import org_settings
from app.casework.core.actor import Actor
from app.casework.goals.goal_evaluation import evaluate, evaluate_plan
from app.casework.goals.goal_plans import (
    available_goalplans,
    copy_of,
    delete_goal_plan,
    load_goalplan,
    save_goal_plan,
    user_plans,
)
from app.casework.goals.goal_targets import set_target
from app.cli import main
from app.domain.anonymise import SuppressedTable, recoverable_cells, suppress_series
from app.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from app.domain.goalplan import GoalPlan, Indicator, Target
from app.domain.periods import parse_period
from app.reports.indicator_export import csv_bytes, previous_export, records
from app.store.engine import Database, transaction
from app.store.models import AuditEvent
from tests.test_measures import ADULT, born, spell

LEAD = Actor(None, "TL", "Tove Larsen", "teamlead", "tove")
WORKER = Actor(None, "KL", "Karen Lund", "caseworker", "karen")
AS_OF = date(2026, 11, 23)


def _events(db: Database, action: str) -> list[dict]:
    with transaction(db) as s:
        rows = s.exec(select(AuditEvent).where(AuditEvent.action == action)).all()
        return [
            {"user": r.user_initials, "at": r.occurred_at, **json.loads(r.details or "{}")}
            for r in rows
        ]


def _plan(name: str = "Egne mål 2026", **changes) -> GoalPlan:  # type: ignore[no-untyped-def]
    plan = GoalPlan(
        "",
        name,
        "Herlev Kommune",
        "monthly",
        (
            Indicator(
                "",
                "Fuldtidspersoner i fleksjob",
                "fte",
                {"groups": ["fleksjob"]},
                Target(minimum=5),
            ),
            Indicator(
                "",
                "Unge 18–29 år på kontanthjælp falder",
                "persons",
                {"groups": ["kontanthjaelp_jobparat"], "min_age": 18, "max_age": 29},
                Target(direction="down", compare="last-year"),
            ),
        ),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
        editable=True,
    )
    return replace(plan, **changes)


# --- the shipped plans -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from app.demo.data import write_demo_database

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_demo_database(path, citizens=400, seed=5, as_of=AS_OF)
    return path


def test_the_four_reference_plans_load_with_validity_and_evaluate_on_demo_data(
    demo: Path, tmp_path: Path
) -> None:
    from app.store.engine import open_sqlite

    db_path = tmp_path / "demo.db"
    shutil.copyfile(demo, db_path)
    db = open_sqlite(db_path)
    plans = {plan.id: plan for plan in available_goalplans()}
    assert set(plans) == {"herlev-2024", "albertslund-2020", "gentofte-2021", "glostrup-2023"}
    herlev = {i.id: i for i in plans["herlev-2024"].indicators}
    assert herlev["uddannelseshjaelp_fte"].target == Target(maximum=95, years=(2024,))
    assert herlev["fleksjob_fte"].target == Target(minimum=380, years=(2024,))
    assert herlev["sygedagpenge_persons"].target == Target(
        direction="down", compare="last-year", years=(2024,)
    )
    assert herlev["rekrutteringsordrer"].target == Target(minimum=50, years=(2024,))
    assert herlev["rekrutteringsordrer"].params == {"local_only": 1}
    assert (plans["herlev-2024"].valid_from, plans["herlev-2024"].valid_to) == (
        date(2024, 1, 1),
        date(2025, 12, 31),
    )
    glostrup = {i.id: i for i in plans["glostrup-2023"].indicators}
    assert glostrup["mm3_flygtninge_190"].params == {"min_hours": 190}
    assert all(i.target is None for i in glostrup.values()), "Glostrup's goals have no numbers"
    assert "lokal_75_procent" not in glostrup, "the 75 % rule starts after Glostrup's plan"
    for plan in plans.values():
        evaluation = evaluate_plan(db, plan, parse_period("2026-Q3"), as_of=AS_OF)
        assert len(evaluation.results) == len(plan.indicators)
        for result in evaluation.results:
            assert result.status in (
                "met",
                "not_met",
                "no_target",
                "suppressed",
                "no_data",
                "not_computable",
            )
            assert result.indicator.fidelity in ("faithful", "approximate", "not_computable")
            assert result.indicator.fidelity == "faithful" or result.indicator.note
            if result.status == "not_computable":
                assert result.value is None and result.indicator.fidelity == "not_computable"
            if result.suppressed:
                assert result.status == "suppressed" and result.value is None
            assert [p.label for p in evaluation.series[result.indicator.id]] == [
                "2026-07",
                "2026-08",
                "2026-09",
            ]
    met_or_not = {
        r.status for r in evaluate(db, plans["herlev-2024"], parse_period("2025"), as_of=AS_OF)
    }
    assert met_or_not & {"met", "not_met"} == set(), "Herlev's targets are 2024's, not 2025's"
    assert {
        r.status for r in evaluate(db, plans["glostrup-2023"], parse_period("2026"), as_of=AS_OF)
    } <= {"no_target", "suppressed", "not_computable"}
    db.dispose()


def test_a_period_not_over_is_counted_up_to_the_day_and_its_months_flagged(
    db: Database, actor: Actor
) -> None:
    for _ in range(6):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 12, 1))
    plan = load_goalplan("herlev-2024")
    evaluation = evaluate_plan(db, plan, parse_period("2026"), as_of=AS_OF)
    assert (evaluation.counted.start, evaluation.counted.end) == (date(2026, 1, 1), AS_OF)
    flex = next(r for r in evaluation.results if r.indicator.id == "fleksjob_fte")
    assert flex.value == 6.0, "six people every day up to 23 November, not extrapolated"
    states = [p.state for p in evaluation.series["fleksjob_fte"]]
    assert states == ["complete"] * 10 + ["incomplete", "future"]
    december = evaluation.series["fleksjob_fte"][-1]
    assert december.value is None and not december.suppressed
    assert records(evaluation)["period"] == {"start": "2026-01-01", "end": "2026-11-23"}
    from app.casework.goals.goal_evaluation import monthly_series

    pairs = monthly_series(db, plan, parse_period("2026-Q4"), as_of=AS_OF)["fleksjob_fte"]
    assert pairs == [("2026-10", 6.0), ("2026-11", 6.0), ("2026-12", None)]
    not_begun = evaluate_plan(db, plan, parse_period("2027"), as_of=AS_OF)
    assert {r.status for r in not_begun.results} == {"no_data"}


# --- plans made in the app -------------------------------------------------------------------------
def test_a_team_lead_creates_edits_copies_and_deletes_a_plan_all_audited(db: Database) -> None:
    saved, key = save_goal_plan(db, LEAD, _plan())
    assert key == "egne-maal-2026"
    plan = load_goalplan(key, db)
    assert plan.editable and plan.version == 1
    assert [i.id for i in plan.indicators] == [
        "fuldtidspersoner-i-fleksjob",
        "unge-18-29-aar-paa-kontanthjaelp-falder",
    ]
    assert plan.indicators[1].params == {
        "groups": ["kontanthjaelp_jobparat"],
        "min_age": 18,
        "max_age": 29,
    }
    created = _events(db, "create_goal_plan")
    assert created[0]["user"] == "TL" and created[0]["new"]["name"] == "Egne mål 2026"
    assert "old" not in created[0]

    changed = replace(
        plan,
        name="Egne mål 2026 (revideret)",
        indicators=(
            replace(plan.indicators[0], target=Target(minimum=8)),
            *plan.indicators[1:],
        ),
    )
    _saved, same_key = save_goal_plan(db, LEAD, changed, expected_version=plan.version)
    assert same_key == key, "the id stays when the name changes"
    edited = _events(db, "edit_goal_plan")[-1]
    assert edited["old"]["name"] == "Egne mål 2026"
    assert edited["new"]["name"] == "Egne mål 2026 (revideret)"
    assert edited["old"]["indicators"][0]["target"] == {"minimum": 5.0}
    assert edited["new"]["indicators"][0]["target"] == {"minimum": 8.0}
    with pytest.raises(ConflictError):
        save_goal_plan(db, LEAD, changed, expected_version=plan.version)  # stale version

    set_target(db, LEAD, key, "fuldtidspersoner-i-fleksjob", {"maximum": 20})
    assert load_goalplan(key, db).indicators[0].target == Target(maximum=20)

    set_target(db, LEAD, "glostrup-2023", "mm2_opkvalificering", {"minimum": 30})
    glostrup = load_goalplan("glostrup-2023")
    from app.casework.goals.goal_targets import with_user_targets

    copy = copy_of(with_user_targets(db, glostrup), "Glostrup med måltal")
    _saved, copy_key = save_goal_plan(db, LEAD, copy)
    copied = {i.id: i for i in load_goalplan(copy_key, db).indicators}
    assert load_goalplan(copy_key, db).based_on == "glostrup-2023"
    assert copied["mm2_opkvalificering"].target == Target(minimum=30), "the target comes along"
    assert {i.id: i.target for i in load_goalplan("glostrup-2023").indicators}[
        "mm2_opkvalificering"
    ] is None, "the file is untouched"
    # how each goal is computed comes along too, the goals not computable included
    assert copied["mm3_flygtninge"].fidelity == "approximate"
    assert "kun borgere registreret i Min Plan" in copied["mm3_flygtninge"].note
    friendly = copied["lokal_venlig_kontakt"]
    assert (friendly.fidelity, friendly.measure) == ("not_computable", "")
    assert "tilfredshedsundersøgelse" in friendly.note

    delete_goal_plan(db, LEAD, copy_key)
    assert [p.id for p in user_plans(db)] == [key]
    assert _events(db, "delete_goal_plan")[0]["old"]["name"] == "Glostrup med måltal"
    with pytest.raises(ValidationError):
        load_goalplan(copy_key, db)


def test_only_team_leads_and_admins_change_plans_and_bad_plans_are_refused(db: Database) -> None:
    with pytest.raises(PermissionDeniedError):
        save_goal_plan(db, WORKER, _plan())
    _saved, key = save_goal_plan(db, LEAD, _plan())
    with pytest.raises(PermissionDeniedError):
        delete_goal_plan(db, WORKER, key)
    with pytest.raises(PermissionDeniedError):
        set_target(db, WORKER, key, "fuldtidspersoner-i-fleksjob", {"minimum": 1})
    bad = {
        "name": _plan(name=" "),
        "valid_to": _plan(valid_to=date(2025, 1, 1)),
        "indicators": _plan(indicators=()),
        "params": _plan(
            indicators=(
                Indicator(
                    "", "Ordrer", "recruitment_orders_matched_share", {"groups": ["dagpenge"]}
                ),
            )
        ),
        "maximum": _plan(
            indicators=(
                Indicator("", "Andel", "recruitment_orders_matched_share", {}, Target(maximum=120)),
            )
        ),
        "measure": _plan(indicators=(Indicator("", "Noget", "no_such_measure", {}),)),
    }
    for field, plan in bad.items():
        with pytest.raises(ValidationError) as error:
            save_goal_plan(db, LEAD, plan)
        assert error.value.field == field, (field, error.value)
    assert len(user_plans(db)) == 1, "nothing half-written"


def test_a_user_plan_never_takes_a_shipped_plans_id(db: Database) -> None:
    _saved, key = save_goal_plan(db, LEAD, _plan(name="Herlev 2024"))
    assert key == "herlev-2024-2"
    _saved, again = save_goal_plan(db, LEAD, _plan(name="Herlev 2024"))
    assert again == "herlev-2024-3"


# --- CLI -------------------------------------------------------------------------------------------
def test_cli_evaluates_a_plan_made_in_the_app_and_reads_the_threshold_setting(
    db_args: list[str], db: Database, actor: Actor, capsys
) -> None:
    for _ in range(7):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    _saved, key = save_goal_plan(db, LEAD, _plan())
    args = ["indicators", "--plan", key, "--period", "2026-Q1", *db_args]
    assert main([*args, "--as-of", "2026-11-23"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["plan"] == key and data["threshold"] == 5
    assert set(data) == {"plan", "period", "threshold", "indicators"}
    flex = data["indicators"][0]
    assert set(flex) == {
        "id",
        "label",
        "measure",
        "params",
        "value",
        "suppressed",
        "unit",
        "target",
        "comparison",
        "status",
        "fidelity",
        "note",
    }
    assert (flex["value"], flex["status"], flex["target"]) == (7.0, "met", {"minimum": 5.0})
    assert (flex["fidelity"], flex["note"]) == ("faithful", "")
    org_settings.set_value(db, actor, "suppression_threshold", 10)
    assert main([*args, "--threshold", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["threshold"] == 10, "the command line may raise the threshold, never lower it"
    assert (
        data["indicators"][0]["value"] is None and data["indicators"][0]["status"] == "suppressed"
    )
    assert main([*args, "--threshold", "12"]) == 0
    assert json.loads(capsys.readouterr().out)["threshold"] == 12
    measure = [
        "measure",
        "fte",
        "--period",
        "2026-Q1",
        "--groups",
        "fleksjob",
        *db_args,
    ]
    assert main([*measure, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["suppressed"] is True  # 7 < 10
    org_settings.set_value(db, actor, "suppression_threshold", 5)
    assert main([*measure, "--format", "json", "--age", "18-66"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "measure": "fte",
        "params": {"groups": ["fleksjob"], "min_age": 18, "max_age": 66},
        "period": {"start": "2026-01-01", "end": "2026-03-31"},
        "value": 7.0,
        "suppressed": False,
        "unit": "fte",
    }
    assert main(["indicators", "--plan", "nope", "--period", "2026", *db_args]) == 2
    assert key in capsys.readouterr().err
    assert main([*measure, "--param", "min_hours=190"]) == 2, "fte takes no min_hours"


def test_a_plan_file_with_a_wrong_parameter_is_refused_with_the_reason(
    db_args: list[str], db: Database, tmp_path: Path, capsys
) -> None:
    plan = tmp_path / "egen.toml"
    plan.write_text(
        '[plan]\nid = "egen"\nname = "Egen plan"\n\n[[indicator]]\nid = "a"\nlabel = "A"\n'
        'measure = "recruitment_orders_matched_share"\nparams = { groups = ["dagpenge"] }\n',
        encoding="utf-8",
    )
    args = ["indicators", "--plan", str(plan), "--period", "2026", *db_args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "egen.toml kan ikke bruges" in err and "har ingen parameter 'groups'" in err
    plan.write_text(
        plan.read_text(encoding="utf-8").replace('params = { groups = ["dagpenge"] }\n', ""),
        encoding="utf-8",
    )
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["plan"] == "egen"


# --- exports ---------------------------------------------------------------------------------------
def _number(text: str) -> float | None:
    return None if text in ("", "<5") else float(text.replace(",", "."))


def test_exports_hold_the_same_numbers_as_the_json_and_are_audited(
    db_args: list[str], db: Database, actor: Actor, tmp_path: Path, capsys, monkeypatch
) -> None:
    import openpyxl
    from pypdf import PdfReader

    for _ in range(7):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    for who in [born(db, actor, date(2001, 5, 1)) for _ in range(2)]:
        spell(db, actor, who, "kontanthjaelp_jobparat", date(2025, 1, 1))
    from app.store.models import Caseworker

    with transaction(db) as s:
        s.add(Caseworker(initials="TL", name="Tove Larsen", role="teamlead"))
    _saved, key = save_goal_plan(db, LEAD, _plan())
    base = ["indicators", "--plan", key, "--period", "2026-Q1", *db_args]
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "tl")  # Tove signs in
    assert main([*base, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_id = {i["id"]: i for i in data["indicators"]}
    young_ind = by_id["unge-18-29-aar-paa-kontanthjaelp-falder"]
    assert young_ind["suppressed"] and young_ind["value"] is None  # 2 persons < 5

    assert main([*base, "--format", "csv", "--out", str(tmp_path / "i.csv")]) == 0
    raw = (tmp_path / "i.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Id", "Indikator", "Måling", "Faktisk"]
    cells = {row[0]: row for row in rows[1:]}
    for item in data["indicators"]:
        assert _number(cells[item["id"]][3]) == item["value"]
    assert cells["fuldtidspersoner-i-fleksjob"][3] == "7"

    assert main([*base, "--format", "xlsx", "--out", str(tmp_path / "i.xlsx")]) == 0
    book = openpyxl.load_workbook(tmp_path / "i.xlsx")
    assert book.sheetnames[0] == "Oversigt"
    summary = {
        row[0]: row for row in book["Oversigt"].iter_rows(min_row=6, values_only=True) if row[0]
    }
    for item in data["indicators"]:
        expected = None if item["suppressed"] else item["value"]  # suppressed: an empty cell
        assert summary[item["label"]][2] == expected
        sheet = book[item["id"][:31]]
        rows_ = list(sheet.iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows_) if r[0] == "Måned") + 1
        months = rows_[start:]
        assert [m[0] for m in months] == [
            datetime(2026, 1, 1),
            datetime(2026, 2, 1),
            datetime(2026, 3, 1),
            "Perioden",
        ]
        assert months[-1][1] == expected, "the period's figure on the indicator's sheet"
    flex_sheet = book["fuldtidspersoner-i-fleksjob"]
    flex_rows = [r for r in flex_sheet.iter_rows() if isinstance(r[0].value, datetime)]
    assert [r[1].value for r in flex_rows] == [7.0, 7.0, 7.0]
    assert flex_rows[0][0].number_format == "mmm yyyy"

    assert main([*base, "--format", "pdf", "--out", str(tmp_path / "i.pdf")]) == 0
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "i.pdf").pages).split())
    assert "Egne mål 2026" in text and "7 fuldtidspersoner" in text and "<5" in text
    assert "side 1 af" in text
    assert "Syntetisk" not in text

    exports = _events(db, "export_indicators")
    assert [e["format"] for e in exports] == ["json", "csv", "xlsx", "pdf"]
    for event, name in zip(exports[1:], ("i.csv", "i.xlsx", "i.pdf"), strict=True):
        assert event["sha256"] == hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        assert event["plan"] == key and event["period"] == ["2026-01-01", "2026-03-31"]
        assert event["user"] == "TL" and event["at"] is not None
        assert event["values"]["fuldtidspersoner-i-fleksjob"] == 7.0


def test_the_difference_from_the_previous_export_of_the_same_plan_and_period(
    db: Database, actor: Actor
) -> None:
    from app.casework.goals.indicator_exports import export_indicators

    for _ in range(6):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    plan = load_goalplan("herlev-2024")
    q1 = parse_period("2026-Q1")
    first = evaluate_plan(db, plan, q1, as_of=AS_OF, series=False)
    assert previous_export(db, first) is None
    export_indicators(db, LEAD, first, "csv")
    export_indicators(
        db, LEAD, evaluate_plan(db, plan, parse_period("2026-Q2"), as_of=AS_OF, series=False), "csv"
    )
    same = previous_export(db, first)
    assert same is not None and same.user == "TL" and same.format == "csv" and same.changes == ()
    spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2025, 1, 1))
    now = evaluate_plan(db, plan, q1, as_of=AS_OF, series=False)
    changed = previous_export(db, now)
    assert changed is not None
    assert changed.changes == (("Fuldtidspersoner i fleksjob", "6", "7"),)


def test_formula_looking_labels_are_neutralised_in_csv_and_xlsx(db: Database) -> None:
    import openpyxl

    from app.reports.indicator_xlsx import xlsx_bytes

    label = '=HYPERLINK("http://example.invalid","klik")'
    plan = _plan(indicators=(Indicator("", label, "persons", {}),), name="+Plan")
    _saved, key = save_goal_plan(db, LEAD, plan)
    evaluation = evaluate_plan(db, load_goalplan(key, db), parse_period("2026-Q1"), as_of=AS_OF)
    rows = list(csv.reader(io.StringIO(csv_bytes(evaluation).decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1] == "'" + label
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(evaluation)))
    assert book["Oversigt"]["A6"].value == "'" + label
    assert book["Oversigt"]["A1"].data_type == "s"
    assert all(
        not str(cell.value).startswith("=")
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


@pytest.mark.skipif(not shutil.which("libreoffice"), reason="LibreOffice is not installed")
def test_libreoffice_reads_the_workbook_with_the_same_numbers(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    from app.reports.indicator_xlsx import xlsx_bytes

    for _ in range(6):
        spell(db, actor, born(db, actor, ADULT), "fleksjob", date(2024, 1, 1))
    evaluation = evaluate_plan(
        db, load_goalplan("herlev-2024"), parse_period("2024-Q1"), as_of=AS_OF
    )
    (tmp_path / "i.xlsx").write_bytes(xlsx_bytes(evaluation))
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):59,34,76",  # ';', '"', UTF-8
            "--outdir",
            str(tmp_path),
            str(tmp_path / "i.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    rows = list(csv.reader((tmp_path / "i.csv").open(encoding="utf-8"), delimiter=";"))
    flex = next(row for row in rows if row and row[0] == "Fuldtidspersoner i fleksjob")
    assert float(flex[2].replace(",", ".")) == 6.0 and flex[7] == "ikke opfyldt"
    assert flex[4] == "≥ 380 (2024)"


# --- secondary suppression of a trend beside its total -----------------------------------------------
def test_a_lone_small_month_beside_the_period_total_takes_a_second_month_with_it(
    db: Database, actor: Actor
) -> None:
    from tests.test_measures import _offer

    people = [born(db, actor, ADULT) for _ in range(13)]
    for who in people:
        spell(db, actor, who, "dagpenge", date(2025, 1, 1))
    # offers started: January 6 (6 people), February 2 (2 people: small), March 5 (5 people)
    for who in people[:6]:
        _offer(db, actor, who, "virksomhedspraktik", date(2026, 1, 12))
    for who in people[6:8]:
        _offer(db, actor, who, "virksomhedspraktik", date(2026, 2, 9))
    for who in people[8:13]:
        _offer(db, actor, who, "virksomhedspraktik", date(2026, 3, 9))
    plan = _plan(
        indicators=(
            Indicator("", "Praktikker", "offers_started", {"kinds": ["virksomhedspraktik"]}),
        )
    )
    _saved, key = save_goal_plan(db, LEAD, plan)
    evaluation = evaluate_plan(db, load_goalplan(key, db), parse_period("2026-Q1"), as_of=AS_OF)
    result = evaluation.results[0]
    assert (result.value, result.suppressed) == (13.0, False)  # the total is shown
    points = evaluation.series[result.indicator.id]
    assert [(p.value, p.suppressed) for p in points] == [(6.0, False), (None, True), (None, True)]
    # without the second cell, February = 13 − 6 − 5 = 2 could be worked back


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=12), st.integers(3, 8))
def test_no_hidden_month_can_be_worked_back_from_the_period_total(months, threshold) -> None:
    hidden = {i for i, v in enumerate(months) if 0 < v < threshold}
    if sum(months) < threshold:
        return  # the total itself is hidden then, so nothing is shown to subtract from
    final = suppress_series(months, hidden)
    assert hidden <= final
    table = SuppressedTable((tuple(months),), frozenset((0, i) for i in final), threshold)
    assert recoverable_cells(table, row_totals=True, column_totals=False) == set()
