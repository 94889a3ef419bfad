"""The access request (aktindsigt): a PDF of everything held on the citizen, with other people's
names removed, and an audit event recording what was disclosed (counts, checksum)."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from app.casework.benefits.employment import register_employment
from app.casework.benefits.spells import start_spell
from app.casework.citizens.citizens import create_citizen, update_citizen
from app.casework.citizens.journal import add_note, correct_note
from app.casework.conversations.conversations import book_conversation
from app.casework.core.actor import Actor
from app.casework.offers.companies import log_contact
from app.casework.offers.offers import delete_offer, register_offer
from app.casework.plan.plan import add_milestone, save_plan
from app.casework.privacy.access_log import record_view
from app.casework.privacy.access_request import make_access_request
from app.cli import main
from app.domain.errors import PermissionDeniedError
from app.domain.redact import Redactor
from app.store.engine import Database, transaction
from app.store.models import AuditEvent, Caseworker
from tests.conftest import cli_args

CPR = "150390-1234"


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def case(db: Database) -> dict:
    """Åse (Karen's citizen) with a bit of everything; Bo Hansen is another citizen; Henrik
    Sørensen is a company's contact person. All synthetic."""
    with transaction(db) as s:
        karen = Caseworker(initials="KL", name="Karen Lund", team="Team Job", role="caseworker")
        ole = Caseworker(initials="OP", name="Ole Pedersen", team="Team Job", role="caseworker")
        tove = Caseworker(initials="TL", name="Tove Larsen", team="Team Job", role="teamlead")
        s.add_all([karen, ole, tove])
        s.flush()
        ids = karen.id, ole.id, tove.id
    me = Actor(ids[0], "KL", "Karen Lund", "caseworker", "kl")
    åse = create_citizen(
        db,
        me,
        {
            "cpr": CPR,
            "first_name": "Åse",
            "last_name": "Ørsted",
            "address": "Nørregade 1",
            "postal_code": "2730",
            "city": "Herlev",
            "phone": "+45 12345678",
        },
    ).id
    create_citizen(
        db,
        me,
        {"cpr": "010185-4321", "first_name": "Bo", "last_name": "Hansen"},
        caseworker_id=ids[1],
    )
    start_spell(
        db,
        me,
        åse,
        {"target_group": "kontanthjaelp_aktivitetsparat", "start_date": date(2026, 3, 3)},
    )
    save_plan(db, me, åse, None, {"job_goal": "Butiksassistent", "own_words": "Jeg vil arbejde"})
    save_plan(db, me, åse, None, {"job_goal": "Butiksassistent i en bageributik"})
    add_milestone(db, me, åse, "Praktik i butik", due=date(2026, 12, 1))
    offer = register_offer(
        db,
        me,
        åse,
        {
            "kind": "virksomhedspraktik",
            "title": "Praktik som ekspedient",
            "offered_on": date(2026, 3, 20),
            "start_date": date(2026, 4, 1),
            "planned_end": date(2026, 4, 28),
        },
        new_company={"cvr": "10150817", "name": "Bageriet Korn ApS"},
    )
    register_offer(db, me, åse, {"kind": "mentor", "offered_on": date(2026, 5, 1)})
    delete_offer(
        db, me, register_offer(db, me, åse, {"kind": "ips", "offered_on": date(2026, 5, 2)}).id
    )
    with transaction(db) as s:
        company_id = s.exec(
            select(AuditEvent.entity_id).where(AuditEvent.entity == "company")
        ).first()
    log_contact(
        db,
        me,
        company_id,
        {"contacted_on": date(2026, 3, 18), "kind": "call", "contact_person": "Henrik Sørensen"},
    )
    book_conversation(
        db, me, åse, datetime(2026, 12, 3, 10, 0), note="Bo Hansen kommer måske med som bisidder."
    )
    register_employment(
        db,
        me,
        åse,
        {
            "kind": "paid_hours",
            "company_id": company_id,
            "start_date": date(2026, 6, 1),
            "hours_per_month": 30,
        },
    )
    note = add_note(
        db, me, åse, "Talte med Henrik Sørensen fra bageriet. Bo Hansens bil kan ikke bruges."
    ).id
    correct_note(db, me, note, "Rettelse: praktikken starter 1. april.")
    return {"db": db, "karen": me, "åse": åse, "ids": ids, "offer": offer.id}


def test_the_pdf_holds_everything_with_other_peoples_names_removed(case, tmp_path: Path) -> None:
    db, karen, åse = case["db"], case["karen"], case["åse"]
    done = make_access_request(db, karen, åse, tmp_path / "aktindsigt.pdf", today=date(2026, 12, 1))
    text = text_of(done.path)
    for expected in (
        "Alt, hvad vi har registreret om dig",
        "Til Åse Ørsted, født 15. marts 1990",
        "150390-1234",
        "Nørregade 1, 2730 Herlev",
        "Karen Lund",
        "Kontanthjælp, aktivitetsparat",
        "Butiksassistent i en bageributik",
        "Tidligere udgaver af din plan",
        "Udgave 1",
        "Praktik i butik",
        "Virksomhedspraktik",
        "Bageriet Korn ApS",
        "Praktik som ekspedient",
        "slettet den",  # the soft-deleted IPS offer is held, so it is shown
        "Jobsamtale",
        "kommer måske med som bisidder",
        "Lønnede timer om måneden",
        "Journalnotater",
        "Rettelse: praktikken starter 1. april.",
        "Retter notatet fra",
        "Rettet af notatet fra",
        "adgangsloggen",
        "side 1 af",
    ):
        assert expected in text, expected
    for other in ("Bo Hansen", "Henrik", "Sørensen"):
        assert other not in text, other
    assert text.count("[navn fjernet]") == 3
    assert done.redacted == 3
    assert done.counts["offers"] == 3 and done.counts["journal"] == 2


def test_the_disclosure_is_recorded_with_counts_and_checksum(case, tmp_path: Path) -> None:
    db, karen, åse = case["db"], case["karen"], case["åse"]
    done = make_access_request(db, karen, åse, tmp_path / "a.pdf")
    with transaction(db) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "access_request")).one()
    details = json.loads(event.details)
    assert event.citizen_id == åse and event.user_initials == "KL"
    assert details["sha256"] == hashlib.sha256(done.path.read_bytes()).hexdigest() == done.sha256
    assert details["pages"] == done.pages == len(PdfReader(str(done.path)).pages)
    assert details["records"]["conversations"] == 1 and details["names_removed"] == 3
    assert not list(tmp_path.glob("*.tmp"))


def test_who_may_make_an_access_request(case, tmp_path: Path) -> None:
    db, åse = case["db"], case["åse"]
    _karen, ole_id, tove_id = case["ids"]
    ole = Actor(ole_id, "OP", "Ole Pedersen", "caseworker", "op")
    tove = Actor(tove_id, "TL", "Tove Larsen", "teamlead", "tl")
    with pytest.raises(PermissionDeniedError, match="team lead"):
        make_access_request(db, tove, åse, tmp_path / "tl.pdf")
    with pytest.raises(PermissionDeniedError, match="not in your caseload"):
        make_access_request(db, ole, åse, tmp_path / "op.pdf")
    assert not list(tmp_path.glob("*.pdf*"))
    record_view(db, ole, åse, purpose="Karen er syg; borgeren har bedt om aktindsigt")
    make_access_request(db, ole, åse, tmp_path / "op.pdf")
    admin = Actor(None, "AA", "Anna Admin", "admin", "aa")
    make_access_request(db, admin, åse, tmp_path / "aa.pdf", language="en")
    assert "Everything we hold about you" in text_of(tmp_path / "aa.pdf")


def test_cli_access_request(case, tmp_path: Path, monkeypatch, capsys) -> None:
    db = case["db"]
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")
    out = tmp_path / "aase.pdf"
    assert main(["access-request", *cli_args(db), "--cpr", CPR, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"Skrev {out}" in printed and "andre personers navne fjernet: 3" in printed
    assert "Åse Ørsted" in text_of(out)
    assert main(["access-request", *cli_args(db), "--cpr", "010203-4445", "--out", str(out)]) == 2
    assert "CPR" in capsys.readouterr().err


def test_a_name_changed_to_another_citizens_is_kept_only_for_the_citizen(case, tmp_path) -> None:
    """The citizen's own name is never removed, even in a note that names them."""
    db, karen, åse = case["db"], case["karen"], case["åse"]
    add_note(db, karen, åse, "Åse Ørsted ringede selv.")
    update_citizen(db, karen, åse, None, {"phone": "+45 87654321"})
    text = text_of(make_access_request(db, karen, åse, tmp_path / "a.pdf").path)
    assert "Åse Ørsted ringede selv." in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talte med Bo Hansen.", "Talte med [x]."),
        ("Bo Hansens bil", "[x] bil"),
        ("bo hansen (lille b)", "bo hansen (lille b)"),
        ("Bo har det godt; Hansen ringer", "Bo har det godt; Hansen ringer"),
        ("Anne Berg og Anne Marie Holm Berg", "[x] og [x]"),
        ("Bo\nHansen", "[x]"),
        ("Bo, Hansen", "Bo, Hansen"),
        ("Henrik Sørensen-Lund", "Henrik Sørensen-Lund"),
        ("Åse Ørsted selv", "Åse Ørsted selv"),
    ],
)
def test_redaction_of_names_in_free_text(text: str, expected: str) -> None:
    redactor = Redactor.build(
        "[x]",
        [("Bo", "Hansen"), ("Anne Marie", "Holm Berg"), ("Åse", "Ørsted")],
        ["Henrik Sørensen"],
        keep=[("Åse", "Ørsted")],
    )
    assert redactor.redact(text) == expected
