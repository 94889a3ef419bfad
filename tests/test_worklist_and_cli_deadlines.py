"""Deadlines where caseworkers meet them: the worklist page, the overview, the morning summary, the CLI."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import Qt

from app import i18n
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen
from app.casework.conversations.conversations import book_conversation, record_outcome
from app.casework.core.actor import Actor
from app.cli import main
from app.cli.deadlines import _write_json
from app.store.engine import Database, transaction
from app.store.models import Caseworker
from app.ui.casework.context import UiContext
from app.ui.main_window import MainWindow

TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx(db: Database) -> UiContext:
    """Karen's caseload: one citizen overdue for a first conversation, one due soon. Synthetic."""
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        s.add(karen)
        s.flush()
        karen_id = karen.id
    me = Actor(karen_id, "KL", "Karen Lund", "caseworker", "karen")
    late = create_citizen(
        db, me, {"cpr": "150390-1234", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    start_spell(
        db,
        me,
        late,
        {"target_group": "kontanthjaelp_jobparat", "start_date": TODAY - timedelta(days=10)},
    )
    soon = create_citizen(
        db, me, {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"}, today=TODAY
    ).id
    start_spell(
        db, me, soon, {"target_group": "sygedagpenge", "start_date": TODAY - timedelta(days=50)}
    )
    book_conversation(db, me, soon, datetime.combine(TODAY, datetime.min.time()).replace(hour=14))
    return UiContext(db, me, lambda: TODAY)


@pytest.mark.gui
def test_the_worklist_groups_overdue_and_due_soon_and_an_item_leaves_when_met(
    qtbot, ctx: UiContext
) -> None:
    i18n.set_language("en")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitExposed(win):
        win.show()
    win.nav.setCurrentRow(win.pages.indexOf(win.worklist))
    page = win.worklist
    assert page.loaded
    texts = {
        (page.table.text(i, 0), page.table.text(i, 2), page.table.text(i, 4))
        for i in page.table.ids()
    }
    assert ("Overdue up to 30 days", "Åse Ørsted", "First conversation within a week") in texts
    assert (
        "Due within 7 days",
        "Bo Hansen",
        "First follow-up conversation by the end of week 8",
    ) in texts
    assert "1 overdue" in page.summary.text()
    with qtbot.waitSignal(page.open_citizen) as opened:
        page.table.setFocus()
        page.table.selectRow(0)
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert win.citizen_page.citizen_id == opened.args[0]
    assert "First conversation" in page.explanation.text() or page.explanation.text()

    åse = opened.args[0]
    talk = book_conversation(ctx.db, ctx.actor, åse, datetime(2026, 11, 23, 9, 0)).id
    win.after_save(record_outcome(ctx.db, ctx.actor, talk, "held", held_on=TODAY, today=TODAY))
    names = {page.table.text(i, 2) for i in page.table.ids()}
    assert "Åse Ørsted" not in names, "met late now, so it left the worklist by itself"


@pytest.mark.gui
def test_the_morning_summary_and_the_overview_show_deadlines(qtbot, ctx: UiContext) -> None:
    i18n.set_language("da")
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    assert win.day_summary() == "I dag: 1 samtale, 1 frist overskredet"
    page = win.citizens
    page.select_citizen(
        next(
            i
            for i in page.model.ids
            if page.model.index(page.model.row_of(i), 0).data() == "Åse Ørsted"
        )
    )
    text = page.overview.toPlainText()
    assert "overskredet · Første samtale inden for en uge" in text
    assert "LAB § 31 stk. 5" in text


def test_cli_deadlines_as_json_table_and_csv(
    ctx: UiContext,
    db_args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")  # Karen signs in
    assert main(["deadlines", *db_args, "--as-of", "2026-11-23", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-11-23"
    first = next(d for d in data["deadlines"] if d["rule"] == "kontanthjaelp_first_week")
    assert set(first) == {
        "cpr",
        "citizen_id",
        "target_group",
        "period_start",
        "rule",
        "rule_set",
        "kind",
        "held_by",
        "window_start",
        "due",
        "required",
        "done",
        "status",
        "met_on",
        "explanation",
        "source",
    }
    assert (first["cpr"], first["due"], first["status"], first["rule_set"]) == (
        "1503901234",
        "2026-11-20",
        "overdue",
        "LAB 2026",
    )
    assert (
        main(
            [
                "deadlines",
                *db_args,
                "--as-of",
                "2026-11-23",
                "--caseworker",
                "kl",
                "--open",
            ]
        )
        == 0
    )
    table = capsys.readouterr().out
    assert "Åse Ørsted" in table and "overskredet" in table
    assert main(["deadlines", *db_args, "--format", "csv", "--as-of", "2026-11-23"]) == 0
    assert capsys.readouterr().out.startswith("\ufeffcpr;citizen_id;target_group")
    assert main(["deadlines", *db_args, "--caseworker", "XX"]) == 2


def test_calendar_file_has_the_booked_conversations_and_no_cpr(
    ctx: UiContext, tmp_path: Path
) -> None:
    from icalendar import Calendar

    from app.casework.conversations.calendar_export import export_calendar

    path = tmp_path / "karen.ics"
    count = export_calendar(
        ctx.db, ctx.actor, ctx.actor.caseworker_id, TODAY, TODAY + timedelta(days=30), path
    )
    assert count == 1
    raw = path.read_bytes()
    # DTSTAMP is the time of the export, which may well contain the digits "4321"
    told = b"\n".join(line for line in raw.splitlines() if not line.startswith(b"DTSTAMP:"))
    assert b"010185" not in told and b"4321" not in told and b"Hansen" not in told
    events = [c for c in Calendar.from_ical(raw).walk("VEVENT")]
    assert len(events) == 1
    assert str(events[0]["summary"]).endswith("B.H. (01.01.1985)")
    assert events[0].decoded("dtstart").astimezone().hour in (13, 14, 15)


@pytest.mark.gui
def test_calendar_dialog_refuses_a_missing_folder_and_writes_the_file(
    qtbot, ctx: UiContext, tmp_path: Path
) -> None:
    from app.ui.worklist.calendar_dialog import CalendarDialog

    i18n.set_language("en")
    dialog = CalendarDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "missing" / "x.ics"))
    dialog.try_save()
    assert "does not exist" in dialog.form.error_text("path")
    dialog.path.setText(str(tmp_path / "x.ics"))
    dialog.try_save()
    assert dialog.result_value == 1 and (tmp_path / "x.ics").exists()


@pytest.mark.gui
def test_putting_an_item_aside_needs_a_reason_and_is_logged(
    qtbot, ctx: UiContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlmodel import select

    from app.casework.deadlines.snooze import snooze_deadline
    from app.domain.errors import ValidationError
    from app.store.models import AuditEvent
    from app.ui.casework import prompts
    from app.ui.worklist.page import WorklistPage

    i18n.set_language("en")
    page = WorklistPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    before = page.table.rowCount()
    with pytest.raises(ValidationError):
        snooze_deadline(
            ctx.db, ctx.actor, 1, "x", TODAY, TODAY + timedelta(days=3), "  ", today=TODAY
        )
    page.table.selectRow(0)
    monkeypatch.setattr(prompts, "ask_date", lambda *a, **k: TODAY + timedelta(days=5))
    monkeypatch.setattr(prompts, "ask_text", lambda *a, **k: "Borgeren er indlagt")
    page.snooze_selected()
    assert page.table.rowCount() == before - 1
    page.show_snoozed.setChecked(True)
    assert page.table.rowCount() == before
    assert any(page.table.text(i, 6).startswith("aside until") for i in page.table.ids())
    with transaction(ctx.db) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "snooze_deadline")).one()
        assert event.purpose == "Borgeren er indlagt"


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["cpr", "due", "explanation", "done"]),
            st.one_of(st.none(), st.integers(), st.text(max_size=12), st.just("Å\x85\u2028ø")),
        ),
        max_size=4,
    )
)
def test_the_json_of_deadlines_is_written_a_record_at_a_time_as_one_dump_would_write_it(
    records: list[dict],
) -> None:
    """``minplan deadlines --format json`` streams its records; the text is exactly that of
    ``json.dump`` of the whole document (Danish letters as they are, one space per level)."""
    # (imported at the top: a first import inside the example overran hypothesis's deadline)
    out = io.StringIO()
    _write_json(date(2026, 12, 5), iter(records), out)
    whole = {"as_of": "2026-12-05", "deadlines": records}
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=1) + "\n"
    assert json.loads(out.getvalue()) == whole
