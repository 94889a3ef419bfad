"""The access log in the GUI: the citizen's Historik shows who looked and what changed; a team
lead's Adgangslog searches, exports and checks the log; the citizen's extract is one action away."""

from __future__ import annotations

import json
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from qt_reads import wait_idle
from sqlmodel import select

from app.casework.citizens.citizens import create_citizen, update_citizen
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.offers.offers import cancel_offer, register_offer
from app.casework.plan.plan_printing import save_plan_pdf
from app.casework.privacy.access_log_search import LogQuery, search_log
from app.domain.dates import local_today
from app.domain.errors import PermissionDeniedError
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker
from app.ui.access_log.extract_dialog import ExtractDialog
from app.ui.access_log.page import AccessLogPage
from app.ui.casework.context import UiContext
from app.ui.casework.history_tab import HistoryTab
from app.ui.main_window import MainWindow
from tests.conftest import cli_args

pytestmark = pytest.mark.gui
TODAY = date(2026, 11, 23)
CPR = "150390-1234"


@pytest.fixture
def people(db: Database) -> dict[str, Actor]:
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", role="caseworker", team="Team Job")
        tove = Caseworker(initials="TL", name="Tove Lind", role="teamlead", team="Team Job")
        s.add_all([karen, tove])
        s.flush()
        ids = karen.id, tove.id
    return {
        "karen": Actor(ids[0], "KL", "Karen Lund", "caseworker", "karen"),
        "tove": Actor(ids[1], "TL", "Tove Lind", "teamlead", "tove"),
    }


@pytest.fixture
def citizen(db: Database, people: dict[str, Actor]) -> int:
    karen = people["karen"]
    cid = create_citizen(
        db, karen, {"cpr": CPR, "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
    ).id
    update_citizen(db, karen, cid, None, {"phone": "20304050"}, today=TODAY)
    offer = register_offer(db, karen, cid, {"kind": "virksomhedspraktik"}, today=TODAY).id
    cancel_offer(db, karen, offer, '=HYPERLINK("http://x")')  # a formula-looking reason
    book_conversation(db, karen, cid, datetime(2026, 12, 2, 10, 30))
    return cid


def window_for(qtbot, db: Database, actor: Actor) -> MainWindow:  # type: ignore[no-untyped-def]
    win = MainWindow(UiContext(db, actor, lambda: TODAY))
    qtbot.addWidget(win)
    return win


def test_history_shows_who_looked_found_printed_and_changed(
    qtbot, db: Database, people: dict[str, Actor], citizen: int, tmp_path: Path
) -> None:
    win = window_for(qtbot, db, people["karen"])
    page = win.citizens
    qtbot.keyClicks(page.search, "Ørsted")
    page.apply_filter()
    wait_idle(qtbot, win.ctx.ops)
    page.table.selectRow(0)  # the overview panel shows the citizen: a look, logged
    win.open_citizen(citizen)
    save_plan_pdf(db, people["karen"], citizen, tmp_path / "plan.pdf", today=TODAY)
    history = win.citizen_page.tab(HistoryTab)
    history.load(citizen)
    rows = [[history.table.text(i, c) for c in range(5)] for i in history.table.ids()]
    what = [r[3] for r in rows]
    assert "udskrevet" in what and "åbnet" in what and "søgt" in what
    found = next(r for r in rows if r[3] == "søgt")
    assert "borgeren var blandt resultaterne" in found[4] and "søgning: Ørsted" in found[4]
    assert any("Telefon: – → 20304050" in r[4] for r in rows)
    assert any("begrundelse: =HYPERLINK" in r[4] for r in rows)
    assert {r[1] for r in rows} == {"KL"}
    with transaction(db) as s:
        looks = s.exec(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.citizen_id == citizen)
        ).all()
    assert len(looks) == 2, "the list's overview and the opened page, each once"
    history.grab().save(str(tmp_path / "historik.png"))


def test_a_caseworker_has_no_access_log_and_the_use_case_refuses_too(
    qtbot, db: Database, people: dict[str, Actor], citizen: int
) -> None:
    win = window_for(qtbot, db, people["karen"])
    assert win.access_log is None
    assert "Adgangslog" not in [win.nav.item(r).text() for r in range(win.nav.count())]
    with pytest.raises(PermissionDeniedError):
        search_log(db, people["karen"], LogQuery(cpr=CPR))


def test_a_team_lead_searches_the_log_by_citizen_user_and_date_and_exports_it(
    qtbot, db: Database, people: dict[str, Actor], citizen: int, tmp_path: Path
) -> None:
    win = window_for(qtbot, db, people["tove"])
    names = [win.nav.item(r).text() for r in range(win.nav.count())]
    win.nav.setCurrentRow(names.index("Adgangslog"))
    page = win.access_log
    assert isinstance(page, AccessLogPage) and win.pages.currentWidget() is page
    page.end.set_value(local_today())  # the events carry the real clock's time
    qtbot.keyClicks(page.cpr, "1503901234")
    qtbot.keyClicks(page.user, "kl")
    qtbot.keyClick(page.cpr, "\r")
    rows = [[page.table.text(i, c) for c in range(7)] for i in page.table.ids()]
    assert len(rows) == 5 and "5 hændelser" in page.status.text()
    assert {r[1] for r in rows} == {"KL"} and {r[2] for r in rows} == {"karen"}
    assert "annulleret" in [r[3] for r in rows] and "Åse Ørsted (15.03.1990)" in rows[0][5]
    page.end.set_value(date(2026, 1, 1))
    page.start.set_value(date(2025, 12, 1))
    page.run_search()
    assert page.table.rowCount() == 0
    page.start.set_value(TODAY)
    page.end.set_value(local_today())
    out = page.export_csv(tmp_path / "adgangslog.csv")
    raw = out.read_bytes()  # type: ignore[union-attr]
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:3] == ["Løbenummer", "Tidspunkt", "Bruger"]
    assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text, "cells are neutralised"
    assert CPR not in text and "1503901234" not in text
    with transaction(db) as s:
        done = s.exec(
            select(AuditEvent).where(
                AuditEvent.action.in_(("search_access_log", "export_access_log"))
            )
        ).all()
    assert [e.action for e in done][-1] == "export_access_log"
    assert all(e.citizen_id == citizen and e.user_initials == "TL" for e in done)
    assert "user=KL" in done[0].criterion and CPR not in (done[0].criterion or "")
    assert page.check_log(quiet=True).startswith("Adgangsloggen er intakt")
    page.run_search()
    page.resize(1100, 600)
    page.grab().save(str(tmp_path / "adgangslog.png"))


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_citizens_extract_leaves_out_employees_unless_a_team_lead_asks(
    qtbot, db: Database, people: dict[str, Actor], citizen: int, tmp_path: Path
) -> None:
    win = window_for(qtbot, db, people["karen"])
    win.open_citizen(citizen)
    assert win.extract_action.isEnabled()
    dialog = ExtractDialog(win.ctx, citizen, win)
    qtbot.addWidget(dialog)
    assert not dialog.names.isEnabled(), "caseworkers cannot include names"
    dialog.path.setText(str(tmp_path / "udskrift.pdf"))
    dialog.try_save()
    assert dialog.result_value == tmp_path / "udskrift.pdf"
    text = _pdf_text(tmp_path / "udskrift.pdf")
    assert "Hvem har brugt dine oplysninger" in text and "Åse Ørsted" in text
    assert "Din sag blev åbnet" in text and "Et tilbud blev annulleret" in text
    assert "Sagsbehandling i" in text
    assert "KL" not in text and "Karen" not in text and "karen" not in text
    assert "1234" not in text
    with transaction(db) as s:
        made = s.exec(select(AuditEvent).where(AuditEvent.action == "access_log_extract")).one()
    assert made.citizen_id == citizen and '"with_names": false' in (made.details or "")

    lead = window_for(qtbot, db, people["tove"])
    lead_dialog = ExtractDialog(lead.ctx, citizen, lead)
    qtbot.addWidget(lead_dialog)
    lead_dialog.names.setChecked(True)
    lead_dialog.language.set_value("en")
    lead_dialog.path.setText(str(tmp_path / "with-names.pdf"))
    lead_dialog.try_save()
    named = _pdf_text(tmp_path / "with-names.pdf")
    assert "Who has used your information" in named and "KL (Karen Lund)" in named
    assert "An extract of this access log" in named


def test_the_extract_command(
    db: Database, people: dict[str, Actor], citizen: int, tmp_path: Path, monkeypatch
) -> None:
    from app.cli import main

    def sign_in(login: str) -> None:
        monkeypatch.setattr("app.casework.core.actor.os_user", lambda: login)

    sign_in("kl")
    out = tmp_path / "cli.pdf"
    assert main(["audit", "extract", "--cpr", CPR, "--out", str(out), *cli_args(db)]) == 0
    assert "Din sag" in _pdf_text(out) or "Dine personoplysninger" in _pdf_text(out)
    assert main(["audit", "extract", "--cpr", "010101-0000", "--out", str(out), *cli_args(db)]) == 2
    csv = tmp_path / "log.csv"
    sign_in("tl")
    assert main(["audit", "search", "--cpr", CPR, "--out", str(csv), *cli_args(db)]) == 0
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    sign_in("kl")
    assert main(["audit", "search", "--out", str(csv), *cli_args(db)]) == 2


def test_the_pages_check_reads_the_checkpoints_in_the_folder_it_set(
    qtbot,
    db: Database,
    people: dict[str, Actor],
    citizen: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import text

    from app.casework.privacy import audit_checkpoints

    share = tmp_path / "share"
    monkeypatch.setenv(audit_checkpoints.ENV, str(share))
    audit_checkpoints.start(db)
    try:
        audit_checkpoints.write_all()  # as when Min Plan closes
    finally:
        audit_checkpoints.stop_watching()
    page = window_for(qtbot, db, people["tove"]).access_log
    assert page.check_log(quiet=True).startswith("Adgangsloggen er intakt")
    with transaction(db) as s:  # a checkpoint naming an event the log does not have
        last = s.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc())).first()
    newest = sorted(share.glob("*.json"))[-1]
    data = json.loads(newest.read_text())
    assert data["seq"] == last
    with db.engine.begin() as conn:  # the owner cuts the newest event, guards as they were
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
        conn.execute(text("DELETE FROM audit_subject WHERE event_seq = :s"), {"s": last})
        conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": last})
        conn.execute(
            text(
                "UPDATE audit_chain SET last_seq = :p, last_hmac = "
                "(SELECT hmac FROM audit_event WHERE seq = :p)"
            ),
            {"p": last - 1},
        )
        if db.is_sqlite:
            from app.store.audit_triggers import _migration

            for statement in _migration("audit_chain").SQLITE_TRIGGERS:
                if statement.split()[2] == "audit_event_no_delete":
                    conn.exec_driver_sql(statement)
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER USER")
    from app.store.audit_chain import local_checkpoint

    local_checkpoint(db).unlink()
    assert "mangler" in page.check_log(quiet=True)  # the newest events are missing
