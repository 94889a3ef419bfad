"""Every use case that reads a citizen, changes data, prints, exports, imports or deletes writes its
audit event (when; who — app user and OS user; action; citizen or search criterion; purpose) in
the same transaction — Datatilsynet's "log every use".

``ACTIONS`` drives each use case once and names the event(s) it must leave. A second test walks
``app/casework`` and ``app/reports``: every public function that takes an ``actor`` must be in the
table (or explain in ``NOT_DRIVEN`` why not), and every public function that reads a citizen
without an actor must be listed in ``READS_UNDER_THE_PAGE_VIEW`` — so a new use case that forgets
the access log fails here.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import func, select

from app.casework.admin import org_settings, users
from app.casework.benefits import employment, spells
from app.casework.bundle.exporter import export_bundle
from app.casework.bundle.importer import import_bundle
from app.casework.citizens import case_views, citizens, journal, list_export, overview
from app.casework.conversations import calendar_export, conversations
from app.casework.core.actor import Actor
from app.casework.deadlines import deadlines, snooze
from app.casework.goals import goal_targets
from app.casework.offers import companies, offers
from app.casework.plan import plan, plan_printing
from app.casework.privacy import (
    access_log,
    access_log_extract,
    access_log_search,
    access_request,
    history,
)
from app.domain.dates import local_today, utc_now
from app.reports.list_table import ListTable
from app.store.audit_verify import verify
from app.store.engine import Database, transaction
from app.store.models import (
    AuditEvent,
    AuditSubject,
    BenefitSpell,
    Caseworker,
    Conversation,
    Employment,
    JournalNote,
    Milestone,
    Offer,
    RecruitmentOrder,
)
from app.wording.audit_labels import details_of

APP = Path(__file__).resolve().parent.parent / "app"
SAMPLE = APP / "resources" / "sample-bundle"
TODAY = local_today()

#: The day read again as each test starts (``tests/conftest.py``).
pytestmark = pytest.mark.usefixtures("today_when_each_test_runs")


@dataclass
class Env:
    db: Database
    actor: Actor
    tmp: Path
    ids: dict[str, int] = field(default_factory=dict)

    def latest(self, model: Any, **where: Any) -> Any:
        with transaction(self.db) as s:
            query = select(model)
            for key, value in where.items():
                query = query.where(getattr(model, key) == value)
            return s.exec(query.order_by(model.id.desc())).first()

    @property
    def cid(self) -> int:
        return self.ids["citizen"]


@dataclass(frozen=True)
class Expect:
    """The event an action must leave (``None`` fields are not checked)."""

    action: str
    entity: str | None = None
    citizen: bool = True  # the event names the citizen
    criterion: bool = False  # the event holds a search criterion
    purpose: str | None = None
    changes: bool = False  # details hold old and new values
    subject: bool = False  # the citizen is among the event's further subjects


def _spell(env: Env) -> BenefitSpell:
    return env.latest(BenefitSpell, citizen_id=env.cid)


def _offer(env: Env) -> Offer:
    return env.latest(Offer, citizen_id=env.cid)


def _milestone(env: Env, index: int = -1) -> Milestone:
    with transaction(env.db) as s:
        rows = s.exec(
            select(Milestone).where(Milestone.citizen_id == env.cid).order_by(Milestone.id)
        ).all()
    return rows[index]


def _indicators(env: Env) -> None:
    from app.casework.goals.goal_evaluation import evaluate_plan
    from app.casework.goals.goal_plans import load_goalplan
    from app.casework.goals.indicator_exports import export_indicators
    from app.domain.periods import parse_period

    goal = load_goalplan("herlev-2024")
    evaluation = evaluate_plan(env.db, goal, parse_period("2026"), threshold=5, series=False)
    export_indicators(env.db, env.actor, evaluation, "csv", env.tmp / "ind.csv")


def _imported(report: Any) -> None:
    assert report.ok, report.error_lines()[:3]


def _new_company_offer(env: Env) -> None:
    offers.register_offer(
        env.db,
        env.actor,
        env.cid,
        {
            "kind": "virksomhedspraktik",
            "start_date": TODAY,
            "planned_end": TODAY + timedelta(days=20),
        },
        new_company={"cvr": "10150817", "name": "Bageriet Ørsted ApS"},
        today=TODAY,
    )


A = Callable[[Env], Any]
#: (use case, how to drive it, the events it must leave), in an order that builds on itself.
VIEW = Expect("view", "citizen")

ACTIONS: list[tuple[str, A, tuple[Expect, ...]]] = [
    (
        "citizens.create_citizen",
        lambda e: e.ids.__setitem__(
            "citizen",
            citizens.create_citizen(
                e.db, e.actor, {"cpr": "120482-3344", "first_name": "Åse", "last_name": "Ørsted"}, today=TODAY
            ).id,
        ),
        (Expect("create", "citizen"),),
    ),
    (
        "citizens.update_citizen",
        lambda e: citizens.update_citizen(e.db, e.actor, e.cid, None, {"phone": "20304050"}, today=TODAY),
        (Expect("update", "citizen", changes=True),),
    ),
    ("access_log.record_view", lambda e: access_log.record_view(e.db, e.actor, e.cid), (Expect("view", "citizen"),)),
    (
        "overview.citizen_overview",
        lambda e: overview.citizen_overview(e.db, e.actor, e.cid, today=TODAY),
        (Expect("view", "citizen"),),
    ),
    # every read of one citizen: checked (reading.read_citizen) and logged as a view
    ("case_views.conversations_of", lambda e: case_views.conversations_of(e.db, e.actor, e.cid), (VIEW,)),
    ("case_views.offers_of", lambda e: case_views.offers_of(e.db, e.actor, e.cid), (VIEW,)),
    ("case_views.spells_of", lambda e: case_views.spells_of(e.db, e.actor, e.cid), (VIEW,)),
    ("case_views.employment_of", lambda e: case_views.employment_of(e.db, e.actor, e.cid), (VIEW,)),
    ("citizens.master_data", lambda e: citizens.master_data(e.db, e.actor, e.cid), (VIEW,)),
    ("case_views.plan_of", lambda e: case_views.plan_of(e.db, e.actor, e.cid), (VIEW,)),
    ("history.citizen_history", lambda e: history.citizen_history(e.db, e.actor, e.cid), (VIEW,)),
    ("conversations.conversation_history", lambda e: conversations.conversation_history(e.db, e.actor, e.cid), (VIEW,)),
    ("deadlines.deadlines_for_citizen", lambda e: deadlines.deadlines_for_citizen(e.db, e.actor, e.cid, TODAY), (VIEW,)),
    ("plan.plan_as_of", lambda e: plan.plan_as_of(e.db, e.actor, e.cid, utc_now()), (VIEW,)),
    ("plan.changes_since_last_print", lambda e: plan.changes_since_last_print(e.db, e.actor, e.cid), (VIEW,)),
    ("plan.plan_versions", lambda e: plan.plan_versions(e.db, e.actor, e.cid), (VIEW,)),
    ("plan_printing.file_name", lambda e: plan_printing.file_name(e.db, e.actor, e.cid), (VIEW,)),
    ("journal.notes", lambda e: journal.notes(e.db, e.actor, e.cid, today=TODAY), (VIEW,)),
    (
        "access_log.record_search",
        lambda e: access_log.record_search(e.db, e.actor, "ørsted", hits=1, shown=[e.cid]),
        (Expect("search", citizen=False, criterion=True, subject=True),),
    ),
    (
        "spells.start_spell",
        lambda e: spells.start_spell(
            e.db, e.actor, e.cid, {"target_group": "dagpenge", "start_date": TODAY - timedelta(days=60)}
        ),
        (Expect("create", "benefit_spell"),),
    ),
    (
        "spells.update_spell",
        lambda e: spells.update_spell(e.db, e.actor, _spell(e).id, None, {"agreed_contact_days": 30}),
        (Expect("update", "benefit_spell", changes=True),),
    ),
    (
        "spells.change_benefit",
        lambda e: spells.change_benefit(e.db, e.actor, _spell(e).id, "kontanthjaelp_jobparat", TODAY - timedelta(days=10)),
        (Expect("change_benefit", "benefit_spell", changes=True),),
    ),
    (
        "spells.end_spell",
        lambda e: spells.end_spell(e.db, e.actor, _spell(e).id, TODAY - timedelta(days=1), "I job"),
        (Expect("end_spell", "benefit_spell", changes=True),),
    ),
    (
        "spells.start_spell (again)",
        lambda e: spells.start_spell(e.db, e.actor, e.cid, {"target_group": "dagpenge", "start_date": TODAY}),
        (Expect("create", "benefit_spell"),),
    ),
    (
        "plan.save_plan",
        lambda e: plan.save_plan(e.db, e.actor, e.cid, None, {"job_goal": "Bager"}, today=TODAY),
        (Expect("update", "plan", changes=True),),
    ),
    (
        "plan.add_milestone",
        lambda e: plan.add_milestone(e.db, e.actor, e.cid, "Søg fem job"),
        (Expect("create", "milestone"),),
    ),
    (
        "plan.add_milestone (second)",
        lambda e: plan.add_milestone(e.db, e.actor, e.cid, "Kursus i hygiejne"),
        (Expect("create", "milestone"),),
    ),
    (
        "plan.update_milestone",
        lambda e: plan.update_milestone(e.db, e.actor, _milestone(e, 0).id, None, {"title": "Søg seks job"}),
        (Expect("update", "milestone", changes=True),),
    ),
    (
        "plan.move_milestone",
        lambda e: plan.move_milestone(e.db, e.actor, _milestone(e, 1).id, -1),
        (Expect("reorder", "milestone", changes=True),),
    ),
    (
        "plan.complete_milestone",
        lambda e: plan.complete_milestone(e.db, e.actor, _milestone(e, 0).id, TODAY),
        (Expect("update", "milestone", changes=True),),
    ),
    (
        "plan.drop_milestone",
        lambda e: plan.drop_milestone(e.db, e.actor, _milestone(e, 1).id, "Ikke relevant"),
        (Expect("update", "milestone", changes=True),),
    ),
    (
        "plan.delete_milestone",
        lambda e: plan.delete_milestone(e.db, e.actor, _milestone(e, 1).id),
        (Expect("delete", "milestone"),),
    ),
    (
        "plan.restore_milestone",
        lambda e: plan.restore_milestone(e.db, e.actor, _milestone(e, 1).id),
        (Expect("restore", "milestone"),),
    ),
    (
        "companies.create_company",
        lambda e: e.ids.__setitem__(
            "company", companies.create_company(e.db, e.actor, {"cvr": "29403473", "name": "Ørsted Bageri"}).id
        ),
        (Expect("create", "company", citizen=False),),
    ),
    (
        "companies.update_company",
        lambda e: companies.update_company(e.db, e.actor, e.ids["company"], None, {"city": "Ærøskøbing"}),
        (Expect("update", "company", citizen=False, changes=True),),
    ),
    (
        "companies.log_contact",
        lambda e: companies.log_contact(e.db, e.actor, e.ids["company"], {"kind": "visit", "contacted_on": TODAY}),
        (Expect("create", "company_contact", citizen=False),),
    ),
    (
        "companies.save_recruitment_order",
        lambda e: companies.save_recruitment_order(
            e.db, e.actor, e.ids["company"], {"received_on": TODAY, "title": "Bager"}
        ),
        (Expect("create", "recruitment_order", citizen=False),),
    ),
    (
        "companies.save_recruitment_order (update)",
        lambda e: companies.save_recruitment_order(
            e.db,
            e.actor,
            e.ids["company"],
            {"received_on": TODAY, "title": "Bager", "status": "filled_ordinary", "closed_on": TODAY},
            order_id=e.latest(RecruitmentOrder).id,
        ),
        (Expect("update", "recruitment_order", citizen=False, changes=True),),
    ),
    (
        "offers.register_offer",
        lambda e: offers.register_offer(
            e.db,
            e.actor,
            e.cid,
            {"kind": "virksomhedspraktik", "company_id": e.ids["company"], "start_date": TODAY,
             "planned_end": TODAY + timedelta(days=14)},
            today=TODAY,
        ),
        (Expect("create", "offer"),),
    ),
    (
        "offers.update_offer",
        lambda e: offers.update_offer(e.db, e.actor, _offer(e).id, None, {"hours_per_week": 20}),
        (Expect("update", "offer", changes=True),),
    ),
    (
        "offers.extend_offer",
        lambda e: offers.extend_offer(e.db, e.actor, _offer(e).id, TODAY + timedelta(days=21)),
        (Expect("extend_offer", "offer", changes=True),),
    ),
    (
        "offers.end_offer",
        lambda e: offers.end_offer(e.db, e.actor, _offer(e).id, TODAY),
        (Expect("end_offer", "offer", changes=True),),
    ),
    (
        "offers.register_offer (new company) / companies.create_company_in",
        _new_company_offer,
        (Expect("create", "company", citizen=False), Expect("create", "offer")),
    ),
    (
        "companies.citizens_placed",
        lambda e: companies.citizens_placed(e.db, e.actor, _offer(e).company_id),
        (Expect("view", "company", citizen=False, subject=True),),
    ),
    (
        "offers.cancel_offer",
        lambda e: offers.cancel_offer(e.db, e.actor, _offer(e).id, "Borgeren blev syg"),
        (Expect("cancel_offer", "offer", purpose="Borgeren blev syg", changes=True),),
    ),
    ("offers.delete_offer", lambda e: offers.delete_offer(e.db, e.actor, _offer(e).id), (Expect("delete", "offer"),)),
    (
        "offers.restore_offer",
        lambda e: offers.restore_offer(e.db, e.actor, _offer(e).id),
        (Expect("restore", "offer"),),
    ),
    (
        "employment.register_employment",
        lambda e: employment.register_employment(
            e.db, e.actor, e.cid, {"kind": "flexjob", "start_date": TODAY - timedelta(days=30), "hours_per_week": 12}
        ),
        (Expect("create", "employment"),),
    ),
    (
        "employment.change_flexjob_hours",
        lambda e: employment.change_flexjob_hours(
            e.db, e.actor, e.latest(Employment, citizen_id=e.cid).id, 15, TODAY - timedelta(days=5)
        ),
        (Expect("change_flexjob_hours", "employment", changes=True),),
    ),
    (
        "employment.end_employment",
        lambda e: employment.end_employment(e.db, e.actor, e.latest(Employment, citizen_id=e.cid).id, TODAY),
        (Expect("end_employment", "employment", changes=True),),
    ),
    (
        "conversations.book_conversation",
        lambda e: conversations.book_conversation(
            e.db, e.actor, e.cid, datetime.combine(TODAY + timedelta(days=3), datetime.min.time()).replace(hour=10)
        ),
        (Expect("book_conversation", "conversation"),),
    ),
    (
        "conversations.reschedule",
        lambda e: conversations.reschedule(
            e.db,
            e.actor,
            e.latest(Conversation, citizen_id=e.cid).id,
            datetime.combine(TODAY + timedelta(days=4), datetime.min.time()).replace(hour=11),
        ),
        (Expect("reschedule", "conversation", changes=True),),
    ),
    (
        "calendar_export.export_calendar",
        lambda e: calendar_export.export_calendar(
            e.db, e.actor, e.actor.caseworker_id, TODAY, TODAY + timedelta(days=30), e.tmp / "sb.ics"
        ),
        (Expect("export_calendar", citizen=False, subject=True),),
    ),
    (
        "calendar_export.calendar_bytes",
        lambda e: calendar_export.calendar_bytes(e.db, e.actor, e.actor.caseworker_id, TODAY, TODAY + timedelta(days=30)),
        (Expect("export_calendar", citizen=False, subject=True),),
    ),
    (
        "conversations.record_outcome",
        lambda e: conversations.record_outcome(
            e.db, e.actor, e.latest(Conversation, citizen_id=e.cid).id, "cancelled", today=TODAY
        ),
        (Expect("record_conversation", "conversation", changes=True),),
    ),
    (
        "journal.add_note",
        lambda e: journal.add_note(e.db, e.actor, e.cid, "Samtale om praktik.", today=TODAY),
        (Expect("create", "journal_note"),),
    ),
    (
        "journal.edit_note",
        lambda e: journal.edit_note(
            e.db, e.actor, e.latest(JournalNote).id, None, "Samtale om praktik i bageriet.", today=TODAY
        ),
        (Expect("update", "journal_note"),),
    ),
    (
        "journal.correct_note",
        lambda e: journal.correct_note(e.db, e.actor, e.latest(JournalNote).id, "Rettelse: i Ærøskøbing.", today=TODAY),
        (Expect("correct_note", "journal_note"),),
    ),
    (
        "journal.notes (search)",
        lambda e: journal.notes(e.db, e.actor, e.cid, search="bageri", today=TODAY),
        (VIEW, Expect("search_journal", "journal_note", criterion=True),),
    ),
    (
        "snooze.snooze_deadline",
        lambda e: snooze.snooze_deadline(
            e.db, e.actor, e.cid, "lab2024.first", TODAY, TODAY + timedelta(days=7), "Venter på lægeerklæring", today=TODAY
        ),
        (Expect("snooze_deadline", "deadline_snooze", purpose="Venter på lægeerklæring"),),
    ),
    ("plan.mark_printed", lambda e: plan.mark_printed(e.db, e.actor, e.cid), (Expect("print_plan", "plan_version"),)),
    (
        "plan_printing.record_printed",
        lambda e: plan_printing.record_printed(e.db, e.actor, e.cid),
        (Expect("print_plan", "plan_version"),),
    ),
    (
        "plan_printing.plan_pdf",
        lambda e: plan_printing.plan_pdf(e.db, e.actor, e.cid, today=TODAY),
        (VIEW, Expect("print_plan", "plan_version"),),
    ),
    (
        "plan_printing.save_plan_pdf / plan.mark_printed_in",
        lambda e: plan_printing.save_plan_pdf(e.db, e.actor, e.cid, e.tmp / "plan.pdf", today=TODAY),
        (VIEW, Expect("print_plan", "plan_version"),),
    ),
    (
        "plan_printing.batch_plans",
        lambda e: plan_printing.batch_plans(e.db, e.actor, [e.cid], e.tmp / "batch", today=TODAY),
        (VIEW, VIEW, Expect("print_plan", "plan_version"),),
    ),
    (
        "list_export.export_list",
        lambda e: list_export.export_list(
            e.db,
            e.actor,
            "citizens",
            ListTable("Citizens", ["Name"], [["Signe"]], [e.cid]),
            e.tmp / "list.csv",
            "csv",
            criterion="scope=mine",
        ),
        (Expect("export_list", citizen=False, criterion=True, subject=True),),
    ),
    (
        "list_export.record_list_print",
        lambda e: list_export.record_list_print(
            e.db, e.actor, "today", ListTable("Today", ["Name"], [["Signe"]], [e.cid])
        ),
        (Expect("print_list", citizen=False, criterion=True, subject=True),),
    ),
    (
        "deadlines.export_deadlines",
        lambda e: deadlines.export_deadlines(e.db, e.actor, TODAY),
        (Expect("export_deadlines", citizen=False, criterion=True, subject=True),),
    ),
    (
        "bundle.exporter.export_bundle",
        lambda e: export_bundle(e.db, e.actor, e.tmp / "bundle"),
        (Expect("export", citizen=False),),
    ),
    (
        "bundle.importer.import_bundle / bundle.writer.write_bundle",
        lambda e: _imported(import_bundle(e.db, e.actor, SAMPLE, today=TODAY)),
        (Expect("import", citizen=False),),
    ),
    ("indicator_exports.export_indicators", _indicators, (Expect("export_indicators", citizen=False),)),
    (
        "goal_targets.set_target",
        lambda e: goal_targets.set_target(e.db, e.actor, "herlev-2024", "fleksjob_fte", {"minimum": 1.0}),
        (Expect("set_goal_target", "goal_target", citizen=False, changes=True),),
    ),
    (
        "org_settings.set_value",
        lambda e: org_settings.set_value(e.db, e.actor, "audit_retention_months", 7),
        (Expect("change_setting", "app_setting", citizen=False, changes=True),),
    ),
    (
        "access_log_search.search_log",
        lambda e: access_log_search.search_log(e.db, e.actor, access_log_search.LogQuery(cpr="120482-3344")),
        (Expect("search_access_log", "audit_event", criterion=True),),
    ),
    (
        "access_log_search.export_log",
        lambda e: access_log_search.export_log(
            e.db, e.actor, access_log_search.LogQuery(cpr="120482-3344"), e.tmp / "log.csv"
        ),
        (Expect("export_access_log", "audit_event", criterion=True),),
    ),
    (
        "access_log_extract.make_extract",
        lambda e: access_log_extract.make_extract(e.db, e.actor, e.cid, e.tmp / "extract.pdf", today=TODAY),
        (VIEW, Expect("access_log_extract", "audit_event"),),
    ),
    (
        "citizens.hand_over",
        lambda e: citizens.hand_over(e.db, e.actor, e.cid, e.actor.caseworker_id),
        (Expect("hand_over", "citizen", changes=True),),
    ),
    (
        "citizens.delete_citizen",
        lambda e: citizens.delete_citizen(e.db, e.actor, e.cid, reason="Registreret ved en fejl"),
        (Expect("delete", "citizen", purpose="Registreret ved en fejl"),),
    ),
    (
        "citizens.deleted_citizens",
        lambda e: citizens.deleted_citizens(e.db, e.actor),
        (Expect("view", "citizen", citizen=False, subject=True),),
    ),
    ("citizens.restore_citizen", lambda e: citizens.restore_citizen(e.db, e.actor, e.cid), (Expect("restore", "citizen"),)),
    (
        "access_request.make_access_request",
        lambda e: access_request.make_access_request(e.db, e.actor, e.cid, e.tmp / "aktindsigt.pdf", today=TODAY),
        (Expect("access_request", "citizen"),),
    ),
    (
        "users.add_user",
        lambda e: e.ids.__setitem__("user", users.add_user(e.db, e.actor, {"initials": "MB", "name": "Mads Bro"}).id),
        (Expect("create_user", "caseworker", citizen=False),),
    ),
    (
        "users.update_user",
        lambda e: users.update_user(e.db, e.actor, e.ids["user"], None, {"team": "Team Job"}),
        (Expect("update_user", "caseworker", citizen=False, changes=True),),
    ),
    (
        "users.change_role",
        lambda e: users.change_role(e.db, e.actor, e.ids["user"], "teamlead"),
        (Expect("change_role", "caseworker", citizen=False, changes=True),),
    ),
    (
        "users.set_active",
        lambda e: users.set_active(e.db, e.actor, e.ids["user"], False),
        (Expect("deactivate_user", "caseworker", citizen=False, changes=True),),
    ),
    (
        "org_settings.set_values",
        lambda e: org_settings.set_values(e.db, e.actor, {"retention_years": 6}),
        (Expect("change_setting", "app_setting", citizen=False, changes=True),),
    ),
]  # fmt: skip

#: Public functions taking an actor that the table does not drive, and why.
NOT_DRIVEN = {
    "casework.core.audit.record": "the primitive every row above goes through",
    "casework.core.editing.update_audited": "the audited update the use cases above end with",
    "casework.core.editing.insert_audited": "the audited insert the use cases above end with",
    "casework.core.editing.load_case_row_for_update": (
        "opens a case's row for the use cases above (their access check), writes nothing"
    ),
    "casework.privacy.audit_retention.purge_expired": "tested in test_audit_retention (writes a purge_audit event)",
    "demo.data.populate": "synthetic data; tested below (one demo_data event)",
    "casework.offers.companies.last_used_company": "reads the actor's own last company, no citizen data",
    "casework.goals.goal_plans.require_lead": "a role check, writes nothing",
    **{
        f"casework.privacy.database_keys.{name}": "audited; tested in test_rekey_recover_encrypt"
        for name in ("encrypt", "recover", "rekey")
    },
    **{
        f"casework.core.access.{name}": "a rights check (grants are written by record_view's event)"
        for name in (
            "grant",
            "grant_for_today",
            "in_own_caseload",
            "in_team",
            "may_read_journal",
            "needs_reason",
            "require_admin",
            "require_case_write",
            "require_caseload_change",
        )
    },
    "casework.privacy.access_request.require_access_request": "a rights check, writes nothing",
    "casework.privacy.handing_out.backup_to": "the SQLite file only; its backup event: test_handing_out",
    "casework.privacy.handing_out.export_audit_key": "its export_audit_key event: test_handing_out",
    "casework.privacy.handing_out.require_hand_out": "a role check, writes nothing",
    "casework.privacy.handing_out.require_purge_right": "a role check, writes nothing",
    "casework.deadlines.deadlines.worklist": "a view event for other caseloads: test_every_read_checked",
    "casework.core.reading.read_citizen": "the check and view event every read above goes through",
    "casework.core.reading.record_list": "the view event of a list (citizens_placed, deleted_citizens)",
    "casework.core.reading.may_read_now": "a rights check, writes nothing",
    "casework.plan.plan_printing.paper_citizens": "ids for a batch print, each print is logged",
    "casework.plan.plan_printing.require_may_print": "a rights check before a preview, writes nothing",
    "casework.privacy.retention.preview": "counts only; the deletion it leads to is logged (erase)",
    "casework.privacy.retention.erase": "one erase event per citizen, no personal data (test_retention)",
    "casework.goals.goal_plans.save_goal_plan": "no citizen data; create/edit events tested in test_goal_plans",
    "casework.goals.goal_plans.delete_goal_plan": "no citizen data; its event is tested in test_goal_plans",
    "casework.goals.goal_plans.set_indicator_target": "no citizen data; audited like set_target (above)",
    "casework.deadlines.today.day_overview": "a worklist of a caseload the actor may see (scope checked, "
    "writes nothing); like Frister, a list without a search is not logged per citizen",
    "casework.deadlines.today.own_day_overview": "day_overview of the actor's own caseload only "
    "(read through the driver, or day_overview itself); one's own worklist is not logged",
}

#: Public functions that take a citizen's id without an actor: none of them is a read use case
#: (every read checks and logs itself, ``reading.read_citizen``; tests/test_every_read_checked.py);
#: they are the parts those use cases are made of, each called inside a checked and logged one.
READS_UNDER_THE_PAGE_VIEW = {
    "casework.deadlines.today.overdue_milestones_of",  # asked on the open citizen page before a logged print
    "reports.access_document.access_document",  # read inside make_access_request (logged)
    "casework.deadlines.deadline_facts.load_facts",  # the deadline engine's facts, inside a logged read
    "casework.deadlines.deadline_facts.next_booked",
    "casework.deadlines.deadline_store.refresh",  # recomputes stored deadlines in a (logged) write
    "casework.privacy.history.events_about",  # a query condition, reads nothing itself
    "casework.privacy.history.entry_of",  # formats a row already read
    "casework.plan.plan.current_snapshot",  # inside save_plan/mark_printed (logged writes)
    "reports.plan_document.plan_document",  # the content of a print that is checked and logged
    "reports.plan_document.plan_document_in",  # the same, inside plan_printing's logged print
    "casework.citizens.citizen_search.citizen_matches",  # yes/no: is a citizen already in the list
    # also found by the (logged) search; keeps them selected
}


def _check(env: Env, name: str, event: AuditEvent, expect: Expect) -> None:
    where = f"{name}: {event.action} (seq {event.seq})"
    assert event.action == expect.action, where
    assert event.user_initials == "SB" and event.os_user == "signe", where
    assert event.seq and event.hmac and len(event.hmac) == 64, where
    assert abs(utc_now() - event.occurred_at.replace(tzinfo=UTC)) < timedelta(minutes=5), where
    if expect.entity is not None:
        assert event.entity == expect.entity, where
    if expect.citizen:
        assert event.citizen_id == env.cid, where
    if expect.criterion:
        assert event.criterion, where
    if expect.purpose is not None:
        assert event.purpose == expect.purpose, where
    details = details_of(event.details)
    if expect.changes:
        assert "old" in details and "new" in details, where
    if expect.subject:
        with transaction(env.db) as s:
            listed = s.exec(
                select(AuditSubject.citizen_id).where(AuditSubject.event_seq == event.seq)
            ).all()
        assert env.cid in listed, where


def test_every_use_case_writes_its_event_with_the_right_fields(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.casework.core import reading

    monkeypatch.setattr(reading, "COALESCE_SECONDS", 0.0)  # each read its own event, to check it
    with transaction(db) as s:
        worker = Caseworker(initials="SB", name="Signe Berg", role="admin")
        s.add(worker)
        s.flush()
        worker_id = worker.id
    env = Env(db, Actor(worker_id, "SB", "Signe Berg", "admin", "signe"), tmp_path)
    with transaction(db) as s:  # on PostgreSQL the server logged the user written above
        last = s.exec(select(func.coalesce(func.max(AuditEvent.seq), 0))).one()
    for name, drive, expected in ACTIONS:
        drive(env)
        with transaction(db) as s:
            new = s.exec(
                select(AuditEvent).where(AuditEvent.seq > last).order_by(AuditEvent.seq)
            ).all()
        assert [e.action for e in new] == [x.action for x in expected], name
        for event, expect in zip(new, expected, strict=True):
            _check(env, name, event, expect)
        last = new[-1].seq
    assert (tmp_path / "plan.pdf").exists() and (tmp_path / "sb.ics").exists()
    assert (tmp_path / "log.csv").exists() and (tmp_path / "extract.pdf").exists()
    result = verify(db)
    assert result.ok and result.checked == last
    # and the access log names every one of them in words, not by its code
    from app.wording.audit_labels import ACTIONS as ACTION_WORDS
    from app.wording.audit_labels import ENTITIES

    with transaction(db) as s:
        written = s.exec(select(AuditEvent.action, AuditEvent.entity)).all()
    assert sorted({a for a, _e in written} - ACTION_WORDS.keys()) == []
    assert sorted({e for _a, e in written if e} - ENTITIES.keys()) == []


def test_the_demo_generator_records_itself(db: Database, actor: Actor) -> None:
    from app.demo.data import populate

    populate(db, actor, citizens=3, seed=1, as_of=date(2026, 11, 23))
    with transaction(db) as s:
        assert [e.action for e in s.exec(select(AuditEvent)).all()] == ["demo_data"]


def _public_functions() -> dict[str, list[str]]:
    found = {}
    for base in ("casework", "reports", "demo"):
        for path in sorted((APP / base).rglob("*.py")):
            module = path.relative_to(APP).with_suffix("").as_posix().replace("/", ".")
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                    found[f"{module}.{node.name}"] = [
                        a.arg for a in node.args.args + node.args.kwonlyargs
                    ]
    return found


def test_no_use_case_escapes_the_table() -> None:
    driven = {part.strip() for name, _drive, _e in ACTIONS for part in name.split("/")}
    driven = {d.split(" (")[0] for d in driven}
    functions = _public_functions()
    with_actor = {name for name, args in functions.items() if "actor" in args}
    missing = sorted(
        name
        for name in with_actor
        if name.split(".", 1)[1] not in driven
        and name.removeprefix("casework.").removeprefix("reports.") not in driven
        and ".".join(name.split(".")[-2:]) not in driven  # module.function
        and name not in NOT_DRIVEN
    )
    assert missing == [], f"use cases with an actor not driven by ACTIONS: {missing}"
    readers = {
        name
        for name, args in functions.items()
        if ("citizen_id" in args or "citizen_ids" in args) and "actor" not in args
    }
    unexplained = sorted(readers - READS_UNDER_THE_PAGE_VIEW)
    assert unexplained == [], f"reads of a citizen with no access-log decision: {unexplained}"


def test_the_table_test_would_catch_a_forgotten_event(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The table is not a formality: a use case whose event is removed fails it."""
    monkeypatch.setattr(citizens.audit, "record", lambda *a, **k: None)
    with pytest.raises(AssertionError, match="citizens.create_citizen"):
        test_every_use_case_writes_its_event_with_the_right_fields(db, tmp_path, monkeypatch)
