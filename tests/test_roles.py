"""Roles enforced in the use-case layer, without a window: caseworker / team lead / admin × actions,
break the glass for the day, journal text hidden from team leads on every path, signing in
(first user becomes admin, unknown users refused, the demo database), and managing users."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlmodel import col, select

from app.casework.admin import org_settings, users
from app.casework.benefits.employment import register_employment
from app.casework.benefits.spells import start_spell, update_spell
from app.casework.citizens.citizens import create_citizen, delete_citizen, hand_over, update_citizen
from app.casework.citizens.journal import add_note, notes
from app.casework.conversations.conversations import book_conversation, record_outcome
from app.casework.core import access
from app.casework.core.actor import DEMO_MARKER, Actor
from app.casework.core.sign_in import resolve_actor
from app.casework.deadlines.snooze import snooze_deadline
from app.casework.offers.offers import cancel_offer, delete_offer, register_offer
from app.casework.plan.plan import add_milestone, mark_printed, save_plan, update_milestone
from app.casework.privacy.access_log import record_view
from app.casework.privacy.history import citizen_history
from app.cli import main
from app.domain.dates import local_today
from app.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from app.store.engine import Database, transaction
from app.store.models import AccessGrant, AppSetting, AuditEvent, Caseworker, Citizen
from tests.conftest import cli_args

TODAY = local_today()
NOTE = "Borgeren fortalte om sin ryg og sin økonomi"


def _worker(s, initials: str, name: str, team: str, role: str) -> Actor:  # type: ignore[no-untyped-def]
    row = Caseworker(initials=initials, name=name, team=team, role=role)
    s.add(row)
    s.flush()
    return Actor(row.id, initials, name, role, initials.lower())


@pytest.fixture
def office(db: Database) -> dict:
    """Karen and Ole (Team Job), Sofie (Team Syg), Tove leads Team Job, Anna is admin; a citizen
    each for Karen, Ole and Sofie, with a spell, milestone, offer, conversation and note."""
    with transaction(db) as s:
        people = {
            "karen": _worker(s, "KL", "Karen Lund", "Team Job", "caseworker"),
            "ole": _worker(s, "OP", "Ole Pedersen", "Team Job", "caseworker"),
            "sofie": _worker(s, "SB", "Sofie Bach", "Team Syg", "caseworker"),
            "tove": _worker(s, "TL", "Tove Larsen", "Team Job", "teamlead"),
            "anna": _worker(s, "AA", "Anna Admin", "IT", "admin"),
        }
    cases: dict[str, dict[str, int]] = {}
    for owner, cpr, first in (
        ("karen", "150390-1234", "Åse"),
        ("ole", "241299-2222", "Carla"),
        ("sofie", "010185-4321", "Dan"),
    ):
        me = people[owner]
        c = create_citizen(db, me, {"cpr": cpr, "first_name": first, "last_name": "Testesen"}).id
        cases[owner] = {
            "citizen": c,
            "spell": start_spell(
                db, me, c, {"target_group": "dagpenge", "start_date": date(2026, 1, 5)}
            ).id,
            "milestone": add_milestone(db, me, c, "Cv skrevet").id,
            "offer": register_offer(
                db, me, c, {"kind": "mentor", "offered_on": date(2026, 2, 1)}
            ).id,
            "conversation": book_conversation(db, me, c, datetime(2026, 12, 3, 10, 0)).id,
            "note": add_note(db, me, c, NOTE).id,
        }
    return {"people": people, "cases": cases, "db": db}


def writes(db: Database) -> dict[str, Callable[[Actor, dict[str, int]], object]]:
    """Every use case that changes a citizen's case, as (actor, that citizen's ids) → call."""
    return {
        "update_citizen": lambda a, c: update_citizen(
            db, a, c["citizen"], None, {"phone": "+4512345678"}
        ),
        "save_plan": lambda a, c: save_plan(db, a, c["citizen"], None, {"job_goal": "Lager"}),
        "add_milestone": lambda a, c: add_milestone(db, a, c["citizen"], "Nyt delmål"),
        "update_milestone": lambda a, c: update_milestone(
            db, a, c["milestone"], None, {"title": "X"}
        ),
        "start_spell": lambda a, c: start_spell(
            db,
            a,
            c["citizen"],
            {
                "target_group": "sygedagpenge",
                "start_date": date(2025, 1, 1),
                "end_date": date(2025, 2, 1),
            },
        ),
        "update_spell": lambda a, c: update_spell(
            db, a, c["spell"], None, {"agreed_contact_days": 30}
        ),
        "register_offer": lambda a, c: register_offer(
            db, a, c["citizen"], {"kind": "mentor", "offered_on": date(2026, 3, 1)}
        ),
        "cancel_offer": lambda a, c: cancel_offer(db, a, c["offer"], "Borgeren er syg"),
        "delete_offer": lambda a, c: delete_offer(db, a, c["offer"]),
        "book_conversation": lambda a, c: book_conversation(
            db, a, c["citizen"], datetime(2026, 12, 10, 9, 0)
        ),
        "record_outcome": lambda a, c: record_outcome(db, a, c["conversation"], "cancelled"),
        "register_employment": lambda a, c: register_employment(
            db, a, c["citizen"], {"kind": "ordinary_job", "start_date": date(2026, 5, 1)}
        ),
        "add_note": lambda a, c: add_note(db, a, c["citizen"], "Ny note"),
        "snooze_deadline": lambda a, c: snooze_deadline(
            db,
            a,
            c["citizen"],
            "rule",
            date(2026, 12, 1),
            date.fromordinal(TODAY.toordinal() + 10),
            "Syg",
        ),
        "mark_printed": lambda a, c: mark_printed(db, a, c["citizen"]),
        "hand_over": lambda a, c: hand_over(db, a, c["citizen"], None),
        "delete_citizen": lambda a, c: delete_citizen(db, a, c["citizen"], reason="Fejl"),
    }


WRITES = list(writes(None))  # type: ignore[arg-type]
#: What a team lead may change on a citizen of the team: the caseload, not the case.
TEAMLEAD_MAY = {"hand_over", "snooze_deadline"}


def text_of(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def events(db: Database) -> int:
    with transaction(db) as s:
        return len(s.exec(select(AuditEvent.id)).all())


@pytest.mark.parametrize("action", WRITES)
def test_a_caseworker_changes_their_own_citizens(office, action: str) -> None:
    karen, case = office["people"]["karen"], office["cases"]["karen"]
    writes(office["db"])[action](karen, case)


@pytest.mark.parametrize("action", WRITES)
def test_a_colleagues_citizen_is_refused_until_the_glass_is_broken_today(office, action) -> None:
    db, karen, ole_case = office["db"], office["people"]["karen"], office["cases"]["ole"]
    before = events(db)
    with pytest.raises(PermissionDeniedError) as refused:
        writes(db)[action](karen, ole_case)
    assert "Ole Pedersen" not in str(refused.value), "a refusal never names the caseworker"
    assert events(db) == before, "a refused change writes nothing, not even an audit event"
    record_view(db, karen, ole_case["citizen"], purpose="Vikarierer for Ole i dag")
    writes(db)[action](karen, ole_case)  # now allowed, for the rest of the day


def test_the_grant_is_for_today_only_and_its_reason_is_logged(office, monkeypatch) -> None:
    db, karen, carla = office["db"], office["people"]["karen"], office["cases"]["ole"]["citizen"]
    # The clock pinned to the day the module was read: a run across Danish midnight (23:00 UTC
    # in winter) otherwise granted for a day after ``TODAY``.
    monkeypatch.setattr(access, "today", lambda: TODAY)
    with pytest.raises(PermissionDeniedError):
        record_view(db, karen, carla)  # no reason, no entry
    record_view(db, karen, carla, purpose="  Vikarierer for Ole  ")
    record_view(db, karen, carla)  # the same day: the earlier reason covers it
    with transaction(db) as s:
        grants = s.exec(select(AccessGrant)).all()
        views = s.exec(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.citizen_id == carla)
        ).all()
    assert [(g.caseworker_id, g.citizen_id, g.granted_on, g.reason) for g in grants] == [
        (karen.caseworker_id, carla, TODAY, "Vikarierer for Ole")
    ]
    assert [v.purpose for v in views] == ["Vikarierer for Ole"] * 2
    monkeypatch.setattr(access, "today", lambda: date.fromordinal(TODAY.toordinal() + 1))
    with pytest.raises(PermissionDeniedError):
        save_plan(db, karen, carla, None, {"job_goal": "Tomorrow is another day"})
    with pytest.raises(PermissionDeniedError):
        record_view(db, karen, carla)


def test_citizens_in_nobodys_caseload_are_open_to_every_caseworker(office) -> None:
    """A team lead (or an admin) registers a citizen into nobody's caseload, not their own."""
    db, tove, karen = office["db"], office["people"]["tove"], office["people"]["karen"]
    eva = create_citizen(
        db, tove, {"cpr": "010203-4445", "first_name": "Eva", "last_name": "Ny"}
    ).id
    with transaction(db) as s:
        assert s.get(Citizen, eva).caseworker_id is None
    record_view(db, karen, eva)
    save_plan(db, karen, eva, None, {"job_goal": "Pædagogmedhjælper"})


@pytest.mark.parametrize("action", WRITES)
def test_a_team_lead_hands_over_and_puts_aside_but_does_not_change_a_case(office, action) -> None:
    db, tove, case = office["db"], office["people"]["tove"], office["cases"]["karen"]
    if action in TEAMLEAD_MAY:
        writes(db)[action](tove, case)
    else:
        with pytest.raises(PermissionDeniedError, match="team lead"):
            writes(db)[action](tove, case)


def test_a_team_lead_keeps_to_the_team(office) -> None:
    db, tove = office["db"], office["people"]["tove"]
    dan = office["cases"]["sofie"]["citizen"]
    record_view(db, tove, office["cases"]["ole"]["citizen"])  # the team: no reason needed
    with pytest.raises(PermissionDeniedError):
        record_view(db, tove, dan)
    with pytest.raises(PermissionDeniedError, match="own team"):
        hand_over(db, tove, dan, office["people"]["karen"].caseworker_id)
    record_view(db, tove, dan, purpose="Klage fra borgeren")  # logged, but grants no changes
    with pytest.raises(PermissionDeniedError):
        hand_over(db, tove, dan, office["people"]["karen"].caseworker_id)


@pytest.mark.parametrize("action", WRITES)
def test_an_administrator_may_change_any_case(office, action) -> None:
    writes(office["db"])[action](office["people"]["anna"], office["cases"]["sofie"])


def test_team_leads_never_get_journal_text_on_any_path(office, tmp_path: Path) -> None:
    from app.casework.bundle.exporter import export_bundle
    from app.casework.plan.plan_printing import plan_pdf
    from app.casework.privacy.access_request import make_access_request
    from app.reports.plan_document import plan_document

    db, tove, åse = office["db"], office["people"]["tove"], office["cases"]["karen"]["citizen"]
    shown = notes(db, tove, åse)
    assert [n.text for n in shown] == [""], "a team lead sees that a note exists"
    assert notes(db, tove, åse, search="ryg") == [], "and cannot search the text"
    history = citizen_history(db, tove, åse)
    assert NOTE not in json.dumps([repr(h) for h in history], ensure_ascii=False)
    with pytest.raises(PermissionDeniedError):
        export_bundle(db, tove, tmp_path / "bundle")
    assert not (tmp_path / "bundle").exists()
    with pytest.raises(PermissionDeniedError):
        make_access_request(db, tove, åse, tmp_path / "aktindsigt.pdf")
    assert not (tmp_path / "aktindsigt.pdf").exists()
    assert "ryg" not in repr(plan_document(db, åse))
    assert "ryg" not in text_of(plan_pdf(db, tove, åse, record=False))
    from app.casework.citizens.overview import citizen_overview

    assert "ryg" not in repr(citizen_overview(db, tove, åse))


def test_only_administrators_manage_settings_import_and_export(office, tmp_path: Path) -> None:
    from app.casework.bundle.importer import import_bundle

    db = office["db"]
    for who in ("karen", "tove"):
        actor = office["people"][who]
        with pytest.raises(PermissionDeniedError):
            org_settings.set_value(db, actor, "retention_years", 7)
        with pytest.raises(PermissionDeniedError):
            import_bundle(db, actor, tmp_path)
        with pytest.raises(PermissionDeniedError):
            users.add_user(db, actor, {"initials": "NY", "name": "Ny Kollega"})
    assert org_settings.set_value(db, office["people"]["anna"], "retention_years", 7) == 7


# --- managing users ------------------------------------------------------------------------


def test_users_are_listed_active_first_in_danish_order(office) -> None:
    """Æ, Ø and Å come after Z, in that order (byte order would put Å first), on both backends;
    deactivated users after the active ones."""
    db, anna = office["db"], office["people"]["anna"]
    for initials in ("ÅSE", "ØRN", "ÆBL", "ZZA", "ÅAA"):
        users.add_user(db, anna, {"initials": initials, "name": f"Kollega {initials}"})
    gone = users.add_user(db, anna, {"initials": "AAB", "name": "Kollega AAB"})
    users.set_active(db, anna, gone.id, False)
    listed = [u.initials for u in users.list_users(db)]
    assert listed[-6:] == ["ZZA", "ÆBL", "ØRN", "ÅAA", "ÅSE", "AAB"]
    assert listed[:-6] == sorted(listed[:-6])  # the office's own users, plain A-Z
    # the choices of a caseworker (handing over, the worklist) in the same order, by name
    names = [w.name for w in users.active_caseworkers(db) if w.name.startswith("Kollega")]
    assert names == ["Kollega ZZA", "Kollega ÆBL", "Kollega ØRN", "Kollega ÅAA", "Kollega ÅSE"]


def test_an_admin_adds_a_user_changes_the_role_and_deactivates_audited(office) -> None:
    db, anna = office["db"], office["people"]["anna"]
    saved = users.add_user(
        db,
        anna,
        {
            "initials": "mj",
            "name": "Mads Jensen",
            "team": "Team Job",
            "role": "caseworker",
            "email": "mj@jobcenter.example",
            "phone": "72000009",
            "login": "JC\\MJ01",
        },
    )
    mads = next(u for u in users.list_users(db) if u.id == saved.id)
    assert (mads.initials, mads.login, mads.role, mads.active) == (
        "MJ",
        "jc\\mj01",
        "caseworker",
        True,
    )
    users.change_role(db, anna, mads.id, "teamlead")
    users.update_user(db, anna, mads.id, None, {"team": "Team Syg"})
    users.set_active(db, anna, mads.id, False)
    mads = next(u for u in users.list_users(db) if u.id == saved.id)
    assert (mads.role, mads.team, mads.active) == ("teamlead", "Team Syg", False)
    with transaction(db) as s:
        actions = [
            e.action
            for e in s.exec(
                select(AuditEvent)
                .where(AuditEvent.entity == "caseworker")
                # (on a team server the fixture's own inserts are logged by the server: db_insert)
                .where(col(AuditEvent.action).not_like("db\\_%", escape="\\"))
                .order_by(col(AuditEvent.id))
            ).all()
        ]
    assert actions == ["create_user", "change_role", "update_user", "deactivate_user"]


def test_users_are_checked_and_unique(office) -> None:
    db, anna = office["db"], office["people"]["anna"]
    with pytest.raises(ValidationError) as bad:
        users.add_user(db, anna, {"initials": "K L", "name": "X"})
    assert bad.value.field == "initials"
    with pytest.raises(ValidationError) as taken:
        users.add_user(db, anna, {"initials": "kl", "name": "Kim Larsen"})
    assert taken.value.field == "initials" and "Karen Lund" in str(taken.value)
    with pytest.raises(ValidationError):
        users.add_user(db, anna, {"initials": "ZZ", "name": "Z", "role": "boss"})


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(office) -> None:
    db, anna = office["db"], office["people"]["anna"]
    with pytest.raises(PermissionDeniedError, match="last active administrator"):
        users.change_role(db, anna, anna.caseworker_id, "caseworker")
    with pytest.raises(PermissionDeniedError):
        users.set_active(db, anna, anna.caseworker_id, False)
    users.change_role(db, anna, office["people"]["ole"].caseworker_id, "admin")
    users.change_role(db, anna, anna.caseworker_id, "caseworker")  # now someone else is admin
    ole_admin = Actor(office["people"]["ole"].caseworker_id, "OP", "Ole Pedersen", "admin", "op")
    with pytest.raises(PermissionDeniedError):
        users.change_role(db, ole_admin, ole_admin.caseworker_id, "caseworker")


def test_deactivating_a_caseworker_with_citizens_warns_to_hand_them_over(office) -> None:
    saved = users.set_active(
        office["db"], office["people"]["anna"], office["people"]["karen"].caseworker_id, False
    )
    assert saved.warnings and "Karen Lund" in saved.warnings[0]


# --- signing in ------------------------------------------------------------------------------


def login_as(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: name)


def test_the_first_user_of_an_empty_database_becomes_admin(db: Database, monkeypatch) -> None:
    login_as(monkeypatch, "karen")
    with transaction(db) as s:
        me = resolve_actor(s, first_admin=("kl", "Karen Lund"))
    assert (me.initials, me.name, me.role) == ("KL", "Karen Lund", "admin")
    with transaction(db) as s:
        row = s.get(Caseworker, me.caseworker_id)
        assert row.login == "karen"
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "create_user")).one()
        assert json.loads(event.details)["first_user"] is True
    with transaction(db) as s:  # the next start finds her by her login
        assert resolve_actor(s) == me
    login_as(monkeypatch, "ole")
    with transaction(db) as s, pytest.raises(PermissionDeniedError, match="not a user"):
        resolve_actor(s)  # the second person is not made anything


def test_the_cli_makes_the_first_user_admin_from_the_login(tmp_path: Path, monkeypatch) -> None:
    login_as(monkeypatch, "JC\\mj01")
    path = tmp_path / "new.db"
    assert main(["db", "upgrade", "--db", str(path)]) == 0  # makes the file; signs nobody in
    assert main(["retention", "list", "--db", str(path)]) == 0
    from app.store.engine import open_sqlite

    db = open_sqlite(path)
    with transaction(db) as s:
        rows = s.exec(select(Caseworker)).all()
    db.dispose()
    assert [(r.initials, r.role, r.login) for r in rows] == [("MJ01", "admin", "jc\\mj01")]


def test_an_unknown_user_of_a_real_database_is_refused_calmly(office, monkeypatch, capsys) -> None:
    db = office["db"]
    login_as(monkeypatch, "stranger")
    with transaction(db) as s, pytest.raises(PermissionDeniedError) as refused:
        resolve_actor(s)
    assert "stranger" in str(refused.value) and "administrator" in str(refused.value)
    assert main(["retention", "list", *cli_args(db)]) == 2
    err = capsys.readouterr().err
    assert "ikke bruger af denne database" in err and "Traceback" not in err


def test_on_a_real_database_you_are_who_you_log_in_as(office, monkeypatch) -> None:
    db = office["db"]
    login_as(monkeypatch, "kl")  # Karen has no login name set: her initials are her login
    with transaction(db) as s:
        assert resolve_actor(s).initials == "KL"
        assert resolve_actor(s, "kl").initials == "KL"
        with pytest.raises(PermissionDeniedError, match="demo"):
            resolve_actor(s, "AA")  # --user cannot make Karen the administrator
    monkeypatch.setenv("MINPLAN_USER", "AA")
    with transaction(db) as s, pytest.raises(PermissionDeniedError):
        resolve_actor(s)


def test_a_deactivated_user_is_refused(office, monkeypatch) -> None:
    db = office["db"]
    users.set_active(db, office["people"]["anna"], office["people"]["ole"].caseworker_id, False)
    login_as(monkeypatch, "op")
    with transaction(db) as s, pytest.raises(PermissionDeniedError, match="deactivated"):
        resolve_actor(s)


def test_the_demo_database_lets_anyone_try_any_user(office, monkeypatch) -> None:
    db = office["db"]
    with transaction(db) as s:
        s.add(AppSetting(key=DEMO_MARKER, value="{}"))
    login_as(monkeypatch, "visitor")
    with transaction(db) as s:
        assert resolve_actor(s).role == "caseworker", "an unknown login gets a caseworker"
        assert resolve_actor(s, "tl").role == "teamlead"
        with pytest.raises(NotFoundError):
            resolve_actor(s, "XX")


def test_demo_databases_carry_the_marker(tmp_path: Path) -> None:
    from app.casework.core.actor import is_demo_database
    from app.demo.data import write_demo_database
    from app.store.engine import open_sqlite

    path = tmp_path / "demo.db"
    write_demo_database(path, citizens=20, seed=1, as_of=date(2026, 11, 23))
    db = open_sqlite(path)
    with transaction(db) as s:
        assert is_demo_database(s)
    db.dispose()


def test_an_erased_citizens_id_is_never_given_to_a_new_citizen(db: Database, actor: Actor) -> None:
    first = create_citizen(
        db, actor, {"cpr": "150390-1234", "first_name": "A", "last_name": "B"}
    ).id
    with transaction(db) as s:
        s.delete(s.get(Citizen, first))
    again = create_citizen(
        db, actor, {"cpr": "241299-2222", "first_name": "C", "last_name": "D"}
    ).id
    assert again > first, "old audit events of the erased citizen must not describe someone else"
    if db.is_sqlite:  # PostgreSQL's sequences never give an id twice anyway
        with db.engine.connect() as conn:
            schema = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'citizen'"
            ).scalar_one()
        assert "AUTOINCREMENT" in schema


def test_a_caseworkers_batch_of_paper_plans_is_their_own_caseload(office) -> None:
    from app.casework.plan.plan_printing import paper_citizens

    db, karen, anna = office["db"], office["people"]["karen"], office["people"]["anna"]
    for owner in ("karen", "ole"):
        update_citizen(
            db, anna, office["cases"][owner]["citizen"], None, {"digital_post_exempt": True}
        )
    assert paper_citizens(db, karen) == [office["cases"]["karen"]["citizen"]]
    assert len(paper_citizens(db, anna)) == 2


def test_a_stale_version_tells_a_colleague_nothing_of_the_row(office) -> None:
    """A change sent with an old version number gets a conflict that shows the row's current
    values: a caseworker who may not change the case is refused before that, so the conflict
    cannot be used to read a colleague's citizen."""
    from app.casework.citizens.journal import edit_note
    from app.domain.errors import ConflictError

    db, karen, ole_case = office["db"], office["people"]["karen"], office["cases"]["ole"]
    stale = 999
    for change in (
        lambda: update_citizen(db, karen, ole_case["citizen"], stale, {"phone": "+4511111111"}),
        lambda: update_spell(db, karen, ole_case["spell"], stale, {"agreed_contact_days": 30}),
        lambda: update_milestone(db, karen, ole_case["milestone"], stale, {"title": "X"}),
        lambda: edit_note(db, karen, ole_case["note"], stale, "Ændret"),
        lambda: hand_over(db, karen, ole_case["citizen"], None, expected_version=stale),
    ):
        with pytest.raises(PermissionDeniedError):
            change()
    with pytest.raises(ConflictError):  # the case's own caseworker is told of the conflict
        update_spell(
            db, office["people"]["ole"], ole_case["spell"], stale, {"agreed_contact_days": 30}
        )
