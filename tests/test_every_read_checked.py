"""Every read is checked and logged (issue 15, line 5).

Walks every public function of ``app/casework`` and of the demo generator (``app/demo``): one
that reads citizen data (takes a citizen's id or CPR number, or touches a table that holds
citizen data) must take the ``actor``, apply the access rule of the citizen page and write its
view event — directly or through the use cases it calls. ``ALLOWED`` names, with a reason, the few that do not; a new read use case that forgets
either fails here. A second test drives every single-citizen read as a caseworker on a
colleague's citizen: refused (without naming the colleague) and nothing logged; with the day's
reason allowed and logged.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from qt_reads import wait_idle
from sqlmodel import col, select

from app.casework.citizens import case_views, journal, overview
from app.casework.citizens.citizens import create_citizen, master_data
from app.casework.citizens.journal import add_note
from app.casework.conversations import conversations
from app.casework.core import reading
from app.casework.core.actor import Actor
from app.casework.deadlines import deadlines
from app.casework.plan import plan, plan_printing
from app.casework.privacy import access_log_extract, history
from app.casework.privacy.access_log import record_view
from app.cli import main
from app.domain.dates import local_today, utc_now
from app.domain.errors import PermissionDeniedError, ValidationError
from app.i18n import translate_error
from app.store.engine import Database, transaction
from app.store.models import AccessGrant, AuditEvent, Caseworker
from tests.conftest import cli_args

APP = Path(__file__).resolve().parent.parent / "app"
TODAY = local_today()

#: The day read again as each test starts (``tests/conftest.py``).
pytestmark = pytest.mark.usefixtures("today_when_each_test_runs")


#: Tables that hold citizen data: a function that names one reads (or writes) citizen data.
CITIZEN_TABLES = {
    "Citizen",
    "Plan",
    "PlanVersion",
    "Milestone",
    "Offer",
    "Conversation",
    "BenefitSpell",
    "Employment",
    "JournalNote",
    "AccessGrant",
    "AuditEvent",
    "AuditSubject",
    "StoredRequirement",
    "KeptPeriod",
    "RequirementState",
    "DeadlineSnooze",
}
#: Calls that apply an access rule, and calls that write an audit event.
CHECKS = {
    "read_citizen",
    "record_view",
    "require_case_write",
    "require_caseload_change",
    "require_admin",
    "require_lead",
    "require_access_request",
    "may_read_now",
    "PermissionDeniedError",  # a rule of the module's own that refuses
}
LOGS = {"read_citizen", "record_view", "record", "record_list", "record_search", "write_with_event"}

#: Public functions that touch citizen data without the actor, or without both the check and the
#: event, and why that is right. Nothing may be added without a reason a security officer accepts.
ALLOWED: dict[str, str] = {
    # the rule and the log themselves
    **{
        f"casework.core.access.{name}": "the access rule itself (what every read applies)"
        for name in (
            "in_own_caseload",
            "in_team",
            "needs_reason",
            "grant_for_today",
            "grant",
            "require_case_write",
            "require_caseload_change",
        )
    },
    "casework.core.reading.may_read_now": "the access rule itself, for lists (reads no data)",
    "casework.plan.plan_printing.require_may_print": "the access rule before a print (the print that "
    "follows is checked and logged: record_printed)",
    "casework.deadlines.today.day_overview": "a worklist of a caseload the actor may see (scope checked); "
    "like Frister, a list without a search is not logged per citizen; its print and export are",
    "casework.deadlines.today.overdue_milestones_of": "asked on the open (logged) citizen page just before "
    "a print, which is checked and logged itself",
    "casework.core.reading.record_list": "the view event of a list",
    "casework.core.audit.record": "writes the event; reads nothing",
    "casework.privacy.access_request.require_access_request": "the rule for an access request; the "
    "request it guards is logged (make_access_request)",
    # lists of many citizens: not one citizen's case
    "casework.citizens.citizen_list.find_citizen_ids": "the list's ids only; every search is logged with "
    "its criterion and the citizens it showed (access_log.record_search)",
    "casework.citizens.citizen_list.count_citizens": "a count, no citizen data",
    "casework.citizens.citizen_search.citizen_matches": "whether a search finds a citizen already "
    "in the list (to keep them selected); the search is logged",
    "casework.citizens.citizen_list.fetch_citizen_rows": "the list's visible columns (name, CPR, "
    "caseworker, benefit) for rows on screen; the search that found them is logged",
    "casework.plan.plan_printing.paper_citizens": "ids only, of the actor's own caseload for a "
    "caseworker; each print is checked and logged",
    "casework.deadlines.snooze.active_snoozes": "dates and reasons of put-aside deadlines for the worklist, "
    "keyed by id; no name, CPR or case text",
    "casework.offers.companies.last_used_company": "the company of the actor's own last offer; returns "
    "no citizen data",
    "casework.citizens.citizens.create_citizen": "makes a new citizen (a logged write); reads none",
    "casework.admin.users.list_users": "the users with a count of citizens each; no citizen data",
    "demo.data.populate": "writes synthetic demo data, logged as one event",
    "casework.privacy.access_log_extract.citizen_by_cpr": "CPR number to id, nothing else (never the "
    "caseworker); the extract made with it is checked and logged",
    # the parts of read use cases, called inside their checked and logged transaction
    "casework.deadlines.deadline_facts.load_facts": "the deadline engine's facts, inside a logged read",
    "casework.deadlines.deadline_facts.next_booked": "the deadline engine's facts, inside a logged read",
    "casework.deadlines.deadline_store.refresh": "recomputes stored deadlines inside a logged write",
    "casework.deadlines.deadline_store.rebuild": "recomputes every stored deadline (start, upgrade); "
    "returns a count",
    "casework.privacy.history.events_about": "a query condition; reads nothing itself",
    "casework.privacy.history.entry_of": "formats an event already read by citizen_history",
    "casework.plan.plan.current_snapshot": "inside save_plan and mark_printed (logged writes)",
}


def _functions(*, private: bool = False) -> dict[str, tuple[list[str], set[str], set[str]]]:
    """name → (parameters, names it mentions, names it calls), for every public function (with
    ``private``, the module's private helpers too)."""
    found = {}
    paths = [*(APP / "casework").rglob("*.py"), *(APP / "demo").rglob("*.py")]
    for path in sorted(paths):
        module = path.relative_to(APP).with_suffix("").as_posix().replace("/", ".")
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            if node.name.startswith("_") and not private:
                continue
            params = [a.arg for a in node.args.args + node.args.kwonlyargs]
            names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            calls = set()
            for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
                func = call.func
                calls.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
            found[f"{module}.{node.name}"] = (params, names, calls)
    return found


def _closure(functions: dict, primitives: set[str]) -> set[str]:
    """The short names of functions that call a primitive, directly or through one another."""
    doing = set(primitives)
    while True:
        more = {
            name.rsplit(".", 1)[1] for name, (_p, _n, calls) in functions.items() if calls & doing
        } - doing
        if not more:
            return doing
        doing |= more


def reads_citizen_data(params: list[str], names: set[str]) -> bool:
    return bool({"citizen_id", "citizen_ids", "cpr"} & set(params) or CITIZEN_TABLES & names)


def unchecked_reads() -> dict[str, str]:
    functions = _functions()
    every = _functions(private=True)
    checking, logging = _closure(every, CHECKS), _closure(every, LOGS)
    problems = {}
    for name, (params, names, calls) in functions.items():
        if not reads_citizen_data(params, names):
            continue
        if "actor" not in params:
            problems[name] = "takes no actor"
        elif not calls & checking:
            problems[name] = "applies no access rule"
        elif not calls & logging:
            problems[name] = "writes no event"
    return problems


def test_every_public_function_that_reads_citizen_data_checks_and_logs() -> None:
    problems = {k: v for k, v in unchecked_reads().items() if k not in ALLOWED}
    assert problems == {}, f"reads of citizen data without the check and the event: {problems}"
    stale = sorted(set(ALLOWED) - set(unchecked_reads()))
    assert stale == [], f"ALLOWED names functions that need no exception (any more): {stale}"


def test_the_walk_would_catch_a_read_without_a_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk is not a formality: the old actor-less ``plan_of`` fails it."""
    source = "def plan_of(db, citizen_id):\n    return select(Plan).where(Plan.citizen_id == citizen_id)\n"
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    params = [a.arg for a in node.args.args]
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    assert reads_citizen_data(params, names) and "actor" not in params


# --- every single-citizen read, driven ---------------------------------------------------------

#: Every read of one citizen: (actor, citizen) → call.
READS: dict[str, Callable[[Database, Actor, int], Any]] = {
    "overview.citizen_overview": lambda db, a, c: overview.citizen_overview(db, a, c),
    "case_views.conversations_of": case_views.conversations_of,
    "case_views.offers_of": case_views.offers_of,
    "case_views.spells_of": case_views.spells_of,
    "case_views.employment_of": case_views.employment_of,
    "case_views.plan_of": case_views.plan_of,
    "history.citizen_history": history.citizen_history,
    "journal.notes": journal.notes,
    "conversations.conversation_history": conversations.conversation_history,
    "deadlines.deadlines_for_citizen": lambda db, a, c: deadlines.deadlines_for_citizen(
        db, a, c, TODAY
    ),
    "plan.plan_as_of": lambda db, a, c: plan.plan_as_of(db, a, c, utc_now()),
    "plan.changes_since_last_print": plan.changes_since_last_print,
    "plan.plan_versions": plan.plan_versions,
    "plan_printing.file_name": plan_printing.file_name,
    "plan_printing.plan_pdf": lambda db, a, c: plan_printing.plan_pdf(db, a, c, record=False),
    "access_log_extract.make_extract": lambda db, a, c: access_log_extract.make_extract(db, a, c),
    "access_log.record_view": record_view,
    "citizens.master_data": master_data,
}


def test_every_read_that_checks_a_citizen_is_driven_here() -> None:
    direct = sorted(
        ".".join(name.split(".")[-2:])  # module.function, without the sub-package
        for name, (_p, _n, calls) in _functions().items()
        if "read_citizen" in calls and not name.startswith("casework.core.reading.")
    )
    assert sorted(set(direct) - set(READS)) == []


def _worker(s, initials: str, name: str, team: str, role: str = "caseworker") -> Actor:  # type: ignore[no-untyped-def]
    row = Caseworker(initials=initials, name=name, team=team, role=role)
    s.add(row)
    s.flush()
    return Actor(row.id, initials, name, role, initials.lower())


@pytest.fixture
def office(db: Database) -> dict[str, Any]:
    with transaction(db) as s:
        people = {
            "karen": _worker(s, "KL", "Karen Lund", "Team Job"),
            "ole": _worker(s, "OP", "Ole Pedersen", "Team Job"),
            "tove": _worker(s, "TL", "Tove Larsen", "Team Syg", "teamlead"),
            "anna": _worker(s, "AA", "Anna Admin", "IT", "admin"),
        }
    carla = create_citizen(
        db, people["ole"], {"cpr": "241299-2222", "first_name": "Carla", "last_name": "Holm"}
    ).id
    add_note(db, people["ole"], carla, "Borgeren fortalte om sin ryg", today=TODAY)
    return {"db": db, "people": people, "carla": carla}


def _events(db: Database) -> list[tuple[str, int | None, str | None]]:
    with transaction(db) as s:
        rows = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq))).all()
        return [(e.action, e.citizen_id, e.user_initials) for e in rows]


@pytest.mark.parametrize("name", sorted(READS))
def test_a_colleagues_citizen_is_read_only_with_a_reason_and_every_read_is_logged(
    office: dict[str, Any], name: str
) -> None:
    db, karen, carla = office["db"], office["people"]["karen"], office["carla"]
    read = READS[name]
    before = _events(db)
    with pytest.raises(PermissionDeniedError) as refused:
        read(db, karen, carla)
    message = translate_error(refused.value)
    assert "Ole" not in message and "OP" not in message, "the refusal names nobody's caseload"
    if name == "overview.citizen_overview":
        # The list shows a glimpse instead (who, born when, whose caseload, issue 14 line 6):
        # that lookup names the caseload, so it is logged itself, and nothing more is read.
        assert _events(db)[len(before) :] == [("view", carla, "KL")]
        before = _events(db)
    else:
        assert _events(db) == before, "a refused read reads and writes nothing"
    record_view(db, karen, carla, purpose="Vikarierer for Ole i dag")
    reading.forget_recent()  # the read itself is logged, not only covered by the opening
    read(db, karen, carla)
    with transaction(db) as s:
        last = s.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "view")
            .order_by(col(AuditEvent.seq).desc())
        ).first()
    assert last is not None
    assert (last.citizen_id, last.user_initials) == (carla, "KL")
    assert last.purpose == "Vikarierer for Ole i dag", "the day's reason is logged with each read"


@pytest.mark.parametrize("name", sorted(READS))
def test_reads_of_ones_own_citizen_are_logged_too(office: dict[str, Any], name: str) -> None:
    db, ole, carla = office["db"], office["people"]["ole"], office["carla"]
    before = len(_events(db))
    READS[name](db, ole, carla)
    new = _events(db)[before:]
    assert ("view", carla, "OP") in new


def test_a_team_lead_outside_the_team_reads_with_a_reason_but_changes_nothing(
    office: dict[str, Any],
) -> None:
    from app.casework.plan.plan import save_plan

    db, tove, carla = office["db"], office["people"]["tove"], office["carla"]
    with pytest.raises(PermissionDeniedError):
        case_views.plan_of(db, tove, carla)
    record_view(db, tove, carla, purpose="Klage fra borgeren over sagen")
    assert case_views.plan_of(db, tove, carla).version is None
    assert [n.text for n in journal.notes(db, tove, carla)] == [""], "never journal text"
    with pytest.raises(PermissionDeniedError):
        save_plan(db, tove, carla, None, {"job_goal": "Noget andet"})


@pytest.mark.parametrize("reason", ["x", "...", "  ", "ok ok", "1234 5678 9012", "!!! ??? ..."])
def test_a_reason_must_be_a_sentence(office: dict[str, Any], reason: str) -> None:
    db, karen, carla = office["db"], office["people"]["karen"], office["carla"]
    with pytest.raises((ValidationError, PermissionDeniedError)):
        record_view(db, karen, carla, purpose=reason)
    with transaction(db) as s:
        assert s.exec(select(AccessGrant)).all() == []


def test_a_sentence_is_a_reason() -> None:
    assert reading.valid_reason("  Borgeren ringede i dag ") == "Borgeren ringede i dag"
    assert reading.valid_reason("") is None
    with pytest.raises(ValidationError):
        reading.valid_reason("Vikar")


def test_the_cli_takes_a_reason_for_a_colleagues_citizen(
    office: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    db = office["db"]
    monkeypatch.setattr("app.casework.core.actor.os_user", lambda: "kl")  # Karen signs in
    out = tmp_path / "plan.pdf"
    args = ["plan-pdf", "--cpr", "241299-2222", "--out", str(out), *cli_args(db)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "ikke i din sagsstamme" in err and "Ole" not in err and "Traceback" not in err
    assert not out.exists()
    assert main([*args, "--reason", "kort"]) == 2
    assert "mindst tre ord" in capsys.readouterr().err
    assert main([*args, "--reason", "Vikarierer for Ole i dag"]) == 0, capsys.readouterr().err
    assert out.exists()
    with transaction(db) as s:
        views = s.exec(
            select(AuditEvent).where(AuditEvent.action == "view", AuditEvent.user_initials == "KL")
        ).all()
    assert views and {v.purpose for v in views} == {"Vikarierer for Ole i dag"}


def test_the_parts_of_one_look_are_one_event_and_a_later_read_another(
    office: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening the case and reading its tabs a moment later is one look (each part still
    checked); a read after ``COALESCE_SECONDS`` is logged again."""
    db, ole, carla = office["db"], office["people"]["ole"], office["carla"]
    now = [1000.0]
    monkeypatch.setattr(reading, "clock", lambda: now[0])
    before = len(_events(db))
    record_view(db, ole, carla)
    for name, read in READS.items():
        if name != "access_log.record_view":
            read(db, ole, carla)
    assert _events(db)[before:] == [("view", carla, "OP"), ("access_log_extract", carla, "OP")], (
        "one look, one view event (the extract handed out is an event of its own)"
    )
    now[0] += reading.COALESCE_SECONDS + 1
    case_views.plan_of(db, ole, carla)
    assert _events(db)[-1] == ("view", carla, "OP") and len(_events(db)) == before + 3
    record_view(db, ole, carla)  # an explicit opening is always logged
    assert len(_events(db)) == before + 4


def test_a_covered_read_is_still_checked(office: dict[str, Any]) -> None:
    db, karen, ole, carla = (
        office["db"],
        office["people"]["karen"],
        office["people"]["ole"],
        office["carla"],
    )
    record_view(db, ole, carla)  # Ole's look covers Ole, never Karen
    with pytest.raises(PermissionDeniedError):
        case_views.plan_of(db, karen, carla)


def test_a_caseworker_lists_only_their_own_caseloads_deadlines(office: dict[str, Any]) -> None:
    from app.casework.benefits.spells import start_spell

    db, karen, ole = office["db"], office["people"]["karen"], office["people"]["ole"]
    carla = office["carla"]
    start_spell(db, ole, carla, {"target_group": "dagpenge", "start_date": TODAY})
    assert {d.citizen_id for d in deadlines.export_deadlines(db, ole, TODAY)} == {carla}
    assert deadlines.export_deadlines(db, karen, TODAY) == [], "Carla is Ole's, not Karen's"
    with pytest.raises(PermissionDeniedError):
        deadlines.export_deadlines(db, karen, TODAY, caseworker_ids={ole.caseworker_id})
    tove = office["people"]["tove"]  # leads Team Syg: Ole is not in it
    assert deadlines.export_deadlines(db, tove, TODAY) == []
    anna = office["people"]["anna"]
    assert {d.citizen_id for d in deadlines.export_deadlines(db, anna, TODAY)} == {carla}


def test_the_lists_overview_panel_shows_a_colleagues_citizen_only_with_a_reason(
    qtbot, office: dict[str, Any]
) -> None:
    """Selecting a colleague's citizen in the list shows only who, born when and whose (issue 14,
    line 6), and that glimpse is logged because it names the caseload (issue 15, line 5); no
    contact details, plan or history; opening the case asks for the reason."""
    from app.ui.casework.context import UiContext
    from app.ui.main_window import MainWindow

    db, karen, carla = office["db"], office["people"]["karen"], office["carla"]
    win = MainWindow(UiContext(db, karen, lambda: TODAY))
    qtbot.addWidget(win)
    problems: list[object] = []
    win.show_problem = problems.append  # type: ignore[method-assign]
    page = win.citizens
    page.scope.setCurrentIndex(1)  # all citizens
    wait_idle(qtbot, win.ctx.ops)
    before = _events(db)
    page.select_citizen(carla)
    text = page.overview.toPlainText()
    assert "Carla Holm" in text and "Ole Pedersen" in text and "anden sagsstamme" in text
    assert "ryg" not in text
    assert problems == []
    assert _events(db)[len(before) :] == [("view", carla, "KL")], "the glimpse is logged"


def test_a_look_at_a_colleagues_worklist_is_logged_ones_own_is_daily_work(
    office: dict[str, Any],
) -> None:
    from app.casework.benefits.spells import start_spell

    db, karen, ole = office["db"], office["people"]["karen"], office["people"]["ole"]
    carla = office["carla"]
    start_spell(db, ole, carla, {"target_group": "dagpenge", "start_date": TODAY})
    before = len(_events(db))
    assert {
        i.citizen_id for i in deadlines.worklist(db, ole, TODAY, caseworker_ids={ole.caseworker_id})
    } == {carla}
    assert len(_events(db)) == before, "one's own worklist: not logged on every refresh"
    covering = deadlines.worklist(db, karen, TODAY, caseworker_ids={ole.caseworker_id})
    assert {i.citizen_id for i in covering} == {carla}
    assert _events(db)[before:] == [("view", None, "KL")]
