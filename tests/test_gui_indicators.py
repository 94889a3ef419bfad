"""The goal-plan dashboard as a team lead uses it: choose plan and period, read status and trend,
set a target, export and see what changed since the last export."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.core.actor import Actor
from app.store.engine import Database
from app.ui.casework.context import UiContext
from app.ui.indicators.page import IndicatorsPage

pytestmark = pytest.mark.gui
CPRS = ["0101901234", "1503901234", "2412992222", "0707854321", "3006010110", "0101854321"]
TODAY = date(2026, 11, 23)
LEAD = Actor(None, "TL", "Tove Larsen", "teamlead", "tove")


@pytest.fixture
def ctx(db: Database, actor: Actor) -> UiContext:
    """Five synthetic citizens in fleksjob from December 2023 on, and one on sygedagpenge."""
    for index, cpr in enumerate(CPRS):
        who = create_citizen(
            db,
            actor,
            {"cpr": cpr, "first_name": f"P{index}", "last_name": "Syntetisk"},
            today=TODAY,
        ).id
        group = "sygedagpenge" if index == 5 else "fleksjob"
        start_spell(db, actor, who, {"target_group": group, "start_date": date(2023, 12, 1)})
    return UiContext(db, actor, lambda: TODAY)


def show(qtbot, page: IndicatorsPage, plan: str, period: str) -> None:  # type: ignore[no-untyped-def]
    """Choose the plan and type the period as a user would, and wait for the figures."""
    page.plan.setCurrentIndex(page.plan.findData(plan))
    page.period.selectAll()
    qtbot.keyClicks(page.period, period)
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        qtbot.keyClick(page.period, Qt.Key.Key_Return)


def rows(page: IndicatorsPage) -> dict[str, list[str]]:
    return {
        page.table.text(i, 0): [page.table.text(i, c) for c in range(1, 5)]
        for i in page.table.ids()
    }


def test_dashboard_shows_status_suppresses_small_figures_and_draws_the_trend(
    qtbot, ctx: UiContext
) -> None:
    i18n.set_language("da")
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2024-Q1")
    shown = rows(page)
    flex = shown["Fuldtidspersoner i fleksjob"]
    assert (
        flex[0] == "5 fuldtidspersoner"
        and flex[1] == "≥ 380 fuldtidspersoner (2024)"
        and flex[3] == "ikke opfyldt"
    )
    sick = shown["Antal sygedagpengemodtagere falder i forhold til 2023"]
    assert sick[0] == "<5 personer" and sick[3] == "skjult"
    assert sick[1] == "falder i forhold til samme periode sidste år (2024)"
    assert sick[2] == "0 personer (1. kvartal 2023)", "the unit, no change beside <5"
    assert "<5" in page.note.text() and "Seneste hele måned: oktober 2026." in page.note.text()
    page.table.selectRow(1)
    assert page.definition.text().startswith("Det tælles: Fuldtidspersoner")
    assert "Beregnet som planen siger: Fuldtidspersoner i fleksjob" in page.definition.text()
    assert [p.label for p in page.points] == ["2024-01", "2024-02", "2024-03"]
    names = [s.name() for s in page.chart.series() if s.name()]
    assert names == [
        "Hele måneder",
        "Seneste hele måned (marts 2024)",
        "Mål: ≥ 380 fuldtidspersoner (2024)",
    ]
    assert page.chart.series()[0].count() == 3
    # the targets are 2024's: another year shows the goals without them
    show(qtbot, page, "herlev-2024", "2026-Q1")
    flex = rows(page)["Fuldtidspersoner i fleksjob"]
    assert flex[0] == "5 fuldtidspersoner" and flex[1] == "intet mål" and flex[3] == "intet mål"
    assert "uden for planens gyldighed (01.01.2024–31.12.2025)" in page.note.text()
    # an approximation says so beside its figure, with the note
    refugees = page.table.ids()[-1]
    assert page.table.text(refugees, 5) == "≈ tilnærmet"
    assert page.table.text(refugees, 1).startswith("≈ ") or page.table.text(refugees, 1) == "–"
    assert "kun borgere registreret i Min Plan" in page.table.item(refugees, 5).toolTip()


def test_the_dashboard_reads_the_threshold_from_the_organisation_setting(
    qtbot, db: Database, ctx: UiContext
) -> None:
    from app.casework.admin import org_settings

    org_settings.set_value(db, ctx.actor, "suppression_threshold", 6)
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2026-Q1")
    assert rows(page)["Fuldtidspersoner i fleksjob"][0] == "<6 fuldtidspersoner"
    assert "Tal for færre end 6 personer vises som <6." in page.note.text()


def test_the_current_month_is_flagged_incomplete_and_later_months_are_empty(
    qtbot, ctx: UiContext
) -> None:
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2026")
    assert "november 2026 er ufuldstændig, tallene går til og med 23.11.2026" in page.note.text()
    page.table.selectRow(1)
    assert [p.state for p in page.points][-3:] == ["complete", "incomplete", "future"]
    names = [s.name() for s in page.chart.series() if s.name()]
    assert "Seneste hele måned (oktober 2026)" in names
    assert "Ufuldstændig måned (november 2026)" in names
    complete = page.chart.series()[0]
    assert complete.count() == 10, "January to October on the solid line"


def test_a_team_lead_sets_a_target_in_the_dialog_and_exports_what_is_shown(
    qtbot, db: Database, ctx: UiContext, tmp_path
) -> None:
    import openpyxl
    from sqlmodel import select

    from app.domain.errors import PermissionDeniedError
    from app.store.engine import transaction
    from app.store.models import AuditEvent

    lead = UiContext(db, LEAD, lambda: TODAY)
    page = IndicatorsPage(lead)
    qtbot.addWidget(page)
    show(qtbot, page, "glostrup-2023", "2026-Q1")
    row = next(
        i for i in page.table.ids() if page.table.text(i, 0).startswith("Lokalt mål: flere i job")
    )
    assert page.table.text(row, 4) == "intet mål"
    page.table.select_id(row)
    qtbot.mouseClick(page.target_button, Qt.MouseButton.LeftButton)
    dialog = page.last_dialog
    qtbot.waitUntil(dialog.isVisible)
    kind = dialog.form.editor("target_kind")
    kind.setCurrentIndex(kind.findData("min"))
    qtbot.keyClicks(dialog.form.editor("minimum"), "100")
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    assert page.table.text(row, 2) == "≥ 100 personer"
    assert page.export_note.text() == "Denne plan og periode er ikke eksporteret før."
    path = page.export("xlsx", tmp_path / "glostrup.xlsx")
    sheet = openpyxl.load_workbook(path)["Oversigt"]
    assert any(r[4] == "≥ 100" for r in sheet.iter_rows(min_row=6, values_only=True))
    with transaction(db) as s:
        actions = [e.action for e in s.exec(select(AuditEvent)).all()]
    assert "set_goal_target" in actions and "export_indicators" in actions
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        page.refresh()
    assert page.export_note.text().startswith("Sidst eksporteret")
    assert "af TL (XLSX): de viste tal er de samme." in page.export_note.text()

    worker = UiContext(db, Actor(None, "KL", "Karen Lund", "caseworker", "karen"), lambda: TODAY)
    caseworker_page = IndicatorsPage(worker)
    qtbot.addWidget(caseworker_page)
    assert not caseworker_page.target_button.isEnabled()
    assert not caseworker_page.plan_button.isEnabled()
    from app.casework.goals.goal_targets import set_target

    with pytest.raises(PermissionDeniedError):
        set_target(db, worker.actor, "glostrup-2023", "mm2_opkvalificering", {"minimum": 1})


def test_pdf_report_and_the_difference_from_the_last_export(
    qtbot, db: Database, ctx: UiContext, tmp_path
) -> None:
    from pypdf import PdfReader

    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2026-Q1")
    path = page.export("pdf", tmp_path / "herlev.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert (
        "Herlev 2024–2025: resultatmål" in text
        and "Fuldtidspersoner i fleksjob" in text
        and "<5" in text
        and "Det tælles:" in text
    )
    assert "150390" not in text and "Syntetisk" not in text
    assert page.last_changes == ()
    extra = create_citizen(
        db,
        ctx.actor,
        {"cpr": "0102034567", "first_name": "Ny", "last_name": "Syntetisk"},
        today=TODAY,
    ).id
    start_spell(db, ctx.actor, extra, {"target_group": "fleksjob", "start_date": date(2025, 12, 1)})
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        page.refresh()
    assert "ændret siden da: Fuldtidspersoner i fleksjob: 5 → 6" in page.export_note.text()
    page.export("csv", tmp_path / "herlev.csv")
    assert [label for label, _before, _after in page.last_changes] == [
        "Fuldtidspersoner i fleksjob"
    ]
    assert "Ændret siden sidste eksport" in page.export_note.text()


def test_a_target_tied_to_years_and_the_table_of_how_each_goal_is_computed(
    qtbot, db: Database, ctx: UiContext
) -> None:
    lead = UiContext(db, LEAD, lambda: TODAY)
    page = IndicatorsPage(lead)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2025-Q1")
    flex = next(
        i for i in page.table.ids() if page.table.text(i, 0) == "Fuldtidspersoner i fleksjob"
    )
    assert page.table.text(flex, 2) == "intet mål", "the plan's target is 2024's"
    page.table.select_id(flex)
    qtbot.mouseClick(page.target_button, Qt.MouseButton.LeftButton)
    dialog = page.last_dialog
    qtbot.waitUntil(dialog.isVisible)
    kind = dialog.form.editor("target_kind")
    kind.setCurrentIndex(kind.findData("min"))
    qtbot.keyClicks(dialog.form.editor("minimum"), "4")
    qtbot.keyClicks(dialog.form.editor("years"), "2025, 2026")
    with qtbot.waitSignal(page.evaluated, timeout=20_000):
        qtbot.mouseClick(
            dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
        )
    assert (
        page.table.text(flex, 2) == "≥ 4 fuldtidspersoner (2025–2026)"
        and page.table.text(flex, 4) == "opfyldt"
    )
    show(qtbot, page, "herlev-2024", "2027-Q1")
    assert page.table.text(flex, 2) == "intet mål"

    show(qtbot, page, "gentofte-2021", "2022")
    partner = page.table.ids()[-1]
    assert page.table.text(partner, 4) == "kan ikke beregnes"
    page.table.select_id(partner)
    assert page.definition.text().startswith(
        "Sådan beregnes det: Kan ikke beregnes ud fra sagsdata"
    )
    problems = []
    page.ctx.ops.problem.connect(problems.append)
    page.edit_target()
    assert problems, "a goal that cannot be computed gets no target"
    qtbot.mouseClick(page.how_button, Qt.MouseButton.LeftButton)
    how = page.last_dialog
    qtbot.waitUntil(how.isVisible)
    text = how.text.toPlainText()
    assert "Sådan beregnes målene i Gentofte 2021–2022" == how.windowTitle()
    assert "Færre langtidsledige" in text and "Kan ikke beregnes ud fra sagsdata" in text
    assert "Tilnærmelse" in text
    qtbot.keyClick(how.text, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not how.isVisible())


def test_the_page_opens_on_a_plan_valid_today_or_the_one_used_last(
    qtbot, db: Database, actor: Actor
) -> None:
    from app.ui.indicators.page import LAST_PLAN_KEY
    from app.ui.settings import qsettings

    i18n.set_language("da")
    page = IndicatorsPage(UiContext(db, actor, lambda: date(2024, 6, 1)))
    qtbot.addWidget(page)
    assert page.plan.currentData() == "herlev-2024", "valid today, and begun last"
    later = IndicatorsPage(UiContext(db, actor, lambda: date(2030, 1, 1)))
    qtbot.addWidget(later)
    last_end = max(p.valid_to or date.min for p in later.plans.values())
    chosen = later.plans[later.plan.currentData()]
    assert chosen.valid_to == last_end, "none valid today: one that ended last"
    later.plan.setCurrentIndex(later.plan.findData("gentofte-2021"))
    with qtbot.waitSignal(later.evaluated, timeout=20_000):  # choosing shows it (in a worker)
        later.plan.activated.emit(later.plan.currentIndex())
    assert qsettings().value(LAST_PLAN_KEY) == "gentofte-2021"
    again = IndicatorsPage(UiContext(db, actor, lambda: date(2024, 6, 1)))
    qtbot.addWidget(again)
    assert again.plan.currentData() == "gentofte-2021", "the plan used last"


def test_every_figure_and_comparison_has_its_unit_and_the_chart_too(qtbot, ctx: UiContext) -> None:
    from PySide6.QtCharts import QLegend, QLineSeries, QScatterSeries, QValueAxis

    i18n.set_language("en")
    page = IndicatorsPage(ctx)
    qtbot.addWidget(page)
    show(qtbot, page, "herlev-2024", "2024-Q1")
    for i in page.table.ids():
        actual, target, comparison = (page.table.text(i, c) for c in (1, 2, 3))
        if actual not in ("–", ""):
            assert any(ch.isalpha() or ch == "%" for ch in actual.split()[-1]), actual
        figure = comparison.split(" (")[0]
        if figure != "–":
            assert figure.split()[-1].isalpha() or figure.endswith("%"), comparison
    flex = next(
        i for i in page.table.ids() if page.table.text(i, 0) == "Fuldtidspersoner i fleksjob"
    )
    page.table.selectRow(page.table.ids().index(flex))
    axis = next(a for a in page.chart.axes() if isinstance(a, QValueAxis))
    assert axis.titleText() == "full-time persons"
    assert page.chart.legend().markerShape() == QLegend.MarkerShape.MarkerShapeFromSeries
    named = [s for s in page.chart.series() if s.name()]
    marks = set()
    for s in named:
        if isinstance(s, QScatterSeries):
            marks.add(("scatter", s.markerShape(), s.color().name()))
        elif isinstance(s, QLineSeries):
            marks.add(("line", s.pen().style()))
    assert len(marks) == len(named), "each legend entry has its own mark, not only a colour"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_chart_follows_the_palette_and_its_text_is_readable(
    qtbot, ctx: UiContext, scheme: str
) -> None:
    """In a light and in a dark system palette the chart's background is the palette's, and its
    title, axis labels and titles and legend stand out from it by 4.5:1 (WCAG 2.1 AA 1.4.3); its
    lines by 3:1 (1.4.11). A switch of palette while the page is open restyles the chart."""
    from PySide6.QtCharts import QLineSeries, QScatterSeries
    from PySide6.QtWidgets import QApplication
    from test_colours import dark_palette

    from app.ui import colours

    app = QApplication.instance()
    before = app.palette()
    chosen = dark_palette() if scheme == "dark" else QApplication.style().standardPalette()
    i18n.set_language("en")
    try:
        app.setPalette(chosen)
        page = IndicatorsPage(ctx)
        qtbot.addWidget(page)
        show(qtbot, page, "herlev-2024", "2024-Q1")
        page.table.selectRow(0)
        assert page.chart.series(), "the chart shows the selected indicator"

        def check(palette) -> None:  # type: ignore[no-untyped-def]
            chart = page.chart
            ground = chart.backgroundBrush().color()
            assert colours.is_dark(palette) == (ground.lightness() < 128), ground.name()
            texts = {
                "title": chart.titleBrush().color(),
                "legend": chart.legend().labelColor(),
            }
            for number, axis in enumerate(chart.axes()):
                texts[f"axis {number} labels"] = axis.labelsColor()
                texts[f"axis {number} title"] = axis.titleBrush().color()
            for what, ink in texts.items():
                assert colours.contrast(ink, ground) >= 4.5, (what, ink.name(), ground.name())
            for series in chart.series():
                if isinstance(series, QLineSeries):
                    ink = series.pen().color()
                elif isinstance(series, QScatterSeries):
                    ink = series.borderColor() if series.color() == ground else series.color()
                assert colours.contrast(ink, ground) >= 3, (series.name(), ink.name())

        check(chosen)
        other = QApplication.style().standardPalette() if scheme == "dark" else dark_palette()
        app.setPalette(other)
        qtbot.wait(10)
        check(other)
    finally:
        app.setPalette(before)
