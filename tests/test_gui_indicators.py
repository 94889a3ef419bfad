"""The goal-plan dashboard as a team lead uses it: choose plan and period, read status and trend."""

from __future__ import annotations

from datetime import date

import pytest

from app import i18n
from app.casework.actor import Actor
from app.casework.citizens import create_citizen
from app.casework.spells import start_spell
from app.store.engine import Database
from app.ui.casework.context import UiContext
from app.ui.indicators.page import IndicatorsPage

pytestmark = pytest.mark.gui
CPRS = ["0101901234", "1503901234", "2412992222", "0707854321", "3006010110", "0101854321"]


@pytest.fixture
def ctx(db: Database, actor: Actor) -> UiContext:
    """Six synthetic citizens in fleksjob all of 2026, and one on sygedagpenge."""
    for index, cpr in enumerate(CPRS):
        who = create_citizen(
            db,
            actor,
            {"cpr": cpr, "first_name": f"P{index}", "last_name": "Syntetisk"},
            today=date(2026, 11, 23),
        ).id
        group = "sygedagpenge" if index == 5 else "fleksjob"
        start_spell(db, actor, who, {"target_group": group, "start_date": date(2025, 12, 1)})
    return UiContext(db, actor, lambda: date(2026, 11, 23))


def test_dashboard_shows_status_suppresses_small_figures_and_draws_the_trend(
    qtbot, ctx: UiContext
) -> None:
    i18n.set_language("da")
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    page.plan.setCurrentIndex(page.plan.findData("herlev-2024"))
    page.period.setText("2026-Q1")
    page.refresh()
    rows = {
        page.table.text(i, 0): [page.table.text(i, c) for c in range(1, 5)]
        for i in page.table.ids()
    }
    flex = rows["Fuldtidspersoner i fleksjob"]
    assert flex[0] == "5 fuldtidspersoner" and flex[1] == "≥ 380" and flex[3] == "ikke opfyldt"
    sick = rows["Antal sygedagpengemodtagere falder i forhold til 2023"]
    assert sick[0] == "<5" and sick[3] == "skjult"
    assert "<5" in page.note.text()
    page.table.selectRow(1)
    assert page.definition.text().startswith("Det tælles: Fuldtidspersoner")
    assert [label for label, _value in page.points] == ["2026-01", "2026-02", "2026-03"]
    assert page.chart.series()[0].count() == 3


def test_a_team_lead_sets_a_target_and_exports_what_is_shown(
    qtbot, db: Database, ctx: UiContext, tmp_path
) -> None:
    import openpyxl
    from sqlmodel import select

    from app.domain.errors import PermissionDeniedError
    from app.store.engine import transaction
    from app.store.models import AuditEvent

    i18n.set_language("da")
    lead = UiContext(
        db, Actor(None, "TL", "Tove Larsen", "teamlead", "tove"), lambda: date(2026, 11, 23)
    )
    page = IndicatorsPage(lead)
    qtbot.addWidget(page)
    page.plan.setCurrentIndex(page.plan.findData("glostrup-2023"))
    page.period.setText("2026-Q1")
    page.refresh()
    row = next(
        i for i in page.table.ids() if page.table.text(i, 0).startswith("Lokalt mål: flere i job")
    )
    assert page.table.text(row, 4) == "intet mål"
    page.table.select_id(row)
    page.edit_target({"minimum": 100, "maximum": None, "direction": None})
    assert page.table.text(row, 2) == "≥ 100"
    path = page.export("xlsx", tmp_path / "glostrup.xlsx")
    sheet = openpyxl.load_workbook(path)["Oversigt"]
    assert any(r[4] == ">= 100" for r in sheet.iter_rows(min_row=5, values_only=True))
    with transaction(db) as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "set_goal_target" in actions and "export_indicators" in actions
    worker = UiContext(
        db, Actor(None, "KL", "Karen Lund", "caseworker", "karen"), lambda: date(2026, 11, 23)
    )
    caseworker_page = IndicatorsPage(worker)
    qtbot.addWidget(caseworker_page)
    assert not caseworker_page.target_button.isEnabled()
    from app.casework.goal_targets import set_target

    with pytest.raises(PermissionDeniedError):
        set_target(db, worker.actor, "glostrup-2023", "mm2_opkvalificering", {"minimum": 1})


def test_pdf_report_and_the_difference_from_the_last_export(
    qtbot, db: Database, ctx: UiContext, tmp_path
) -> None:
    from pypdf import PdfReader

    from app.casework.citizens import create_citizen
    from app.casework.spells import start_spell

    i18n.set_language("da")
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    page.plan.setCurrentIndex(page.plan.findData("herlev-2024"))
    page.period.setText("2026-Q1")
    page.refresh()
    path = page.export("pdf", tmp_path / "herlev.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert (
        "Herlev 2024–2025: resultatmål" in text
        and "Fuldtidspersoner i fleksjob" in text
        and "<5" in text
    )
    assert "150390" not in text and "Syntetisk" not in text
    assert page.last_changes == []
    extra = create_citizen(
        db,
        ctx.actor,
        {"cpr": "0102034567", "first_name": "Ny", "last_name": "Syntetisk"},
        today=date(2026, 11, 23),
    ).id
    start_spell(db, ctx.actor, extra, {"target_group": "fleksjob", "start_date": date(2025, 12, 1)})
    page.refresh()
    page.export("csv", tmp_path / "herlev.csv")
    assert [label for label, _before, _after in page.last_changes] == [
        "Fuldtidspersoner i fleksjob"
    ]
    assert "Ændret siden sidste eksport" in page.note.text()
