"""The database tables (SQLModel on SQLAlchemy 2).

Conventions:
- every table users edit carries ``version`` (optimistic locking: SQLAlchemy's ``version_id_col``
  turns a concurrent edit into ``StaleDataError``, which the use cases report as a conflict);
- dates are ``date``; instants are timezone-aware UTC ``datetime`` (SQLModel's ``UTCDateTime``); a spell's ``end_date`` is the last day on
  the benefit (inclusive), ``None`` meaning ongoing;
- codes (target groups, offer kinds, ...) are the stable strings of ``app.domain.codes``;
- citizens, offers and milestones are soft-deleted (``deleted_at``) so they can be restored.

Change the schema only together with an Alembic migration in ``app/migrations/versions``; a test checks that
the two agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, MetaData, String, Table, Text, text
from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel

from app.domain.dates import utc_now

#: Stable constraint names, so that batch migrations on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
#: The tables are never validated by pydantic (SQLModel skips validation for table models, and
#: Min Plan validates in ``app.domain``), so pydantic's validators are built only if asked for:
#: building them for every table cost a tenth of a second of every start.
SQLModel.model_config["defer_build"] = True
metadata: MetaData = SQLModel.metadata

#: The search index (schema 0018) lives outside the metadata: SQLite's FTS5 table with its shadow
#: tables, PostgreSQL's trigram GIN index. Comparisons of models and migrations leave them alone.
SEARCH_INDEX_OBJECTS = frozenset(
    {"citizen_fts", "ix_citizen_search_trgm"}
    | {f"citizen_fts_{part}" for part in ("data", "idx", "content", "docsize", "config")}
)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: everything but the search index's objects and the team server's own
    tables (``SERVER_ONLY_TABLES``, made by migration 0017 on PostgreSQL only)."""
    if name in SEARCH_INDEX_OBJECTS or name in SERVER_ONLY_TABLES:
        return False
    table = getattr(obj, "table", None)
    return getattr(table, "name", None) not in SERVER_ONLY_TABLES


#: Index options only PostgreSQL reads (schemas 0012, 0016 and the planned conversations), given
#: to the indexes by ``add_postgresql_index_options`` when a PostgreSQL database is opened: SQLAlchemy
#: checks such options by loading its PostgreSQL dialect, 40–60 ms of every start on a SQLite file.
POSTGRESQL_INDEX_OPTIONS: dict[str, dict[str, Any]] = {
    # SQLite keeps the rowid in every index; PostgreSQL needs the id included to answer the list
    # from the index alone (an index-only scan, schema 0012).
    "ix_citizen_search": {"postgresql_include": ["id"]},
    "ix_citizen_refugee": {"postgresql_where": text("refugee_or_reunified")},
    "ix_conversation_planned": {"postgresql_where": text("status = 'planned'")},
}


def add_postgresql_index_options() -> None:
    """Give the indexes their PostgreSQL-only options (idempotent): before the metadata is compared
    with or written to a PostgreSQL database."""
    for table in metadata.tables.values():
        for index in table.indexes:
            for key, value in POSTGRESQL_INDEX_OPTIONS.get(str(index.name), {}).items():
                index.dialect_kwargs[key] = value


def table_of(model: type[SQLModel]) -> Table:
    """The SQLAlchemy table of a table model, typed: SQLModel sets ``__table__`` without declaring
    it, and declares ``__tablename__`` as a string or a function."""
    table: Table = model.__table__  # type: ignore[attr-defined]  # set by SQLModel on table models, undeclared
    return table


class Versioned(SQLModel):
    """Columns shared by every user-edited table: id, optimistic-lock version, timestamps."""

    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)

    @declared_attr  # type: ignore[arg-type]  # SQLAlchemy types declared_attr for columns; this one returns mapper options
    def __mapper_args__(cls: type[Versioned]) -> dict[str, object]:  # noqa: N805
        return {"version_id_col": table_of(cls).c.version}


class Caseworker(Versioned, table=True):
    initials: str = Field(max_length=12, unique=True, index=True)
    name: str = Field(max_length=200)
    team: str | None = Field(default=None, max_length=100)
    role: str = Field(default="caseworker", max_length=20)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    active: bool = Field(default=True)
    #: The operating-system login this user signs in with (lower case); None = the initials.
    login: str | None = Field(default=None, max_length=100, unique=True, index=True)


class Citizen(Versioned, table=True):
    #: The list's order read straight from an index that also covers the search (deleted_at,
    #: search_text and caseworker_id included, so no citizen row is read while typing); the
    #: deleted few are found quickly for the indicators, which leave them out.
    #: AUTOINCREMENT on SQLite: the id of an erased citizen (retention) is never given to a new one,
    #: so older audit events about the erased citizen can never show up in someone else's history.
    __table_args__ = (
        # PostgreSQL includes the id as well: ``POSTGRESQL_INDEX_OPTIONS``.
        Index(
            "ix_citizen_search",
            "sort_key",
            "deleted_at",
            "search_text",
            "caseworker_id",
        ),
        Index("ix_citizen_deleted_at", "deleted_at"),
        # The few refugees and family-reunified by birth date, for ministermål 3 (schema 0016).
        Index(
            "ix_citizen_refugee",
            "birth_date",
            sqlite_where=text("refugee_or_reunified = 1"),
        ),
        {"sqlite_autoincrement": True},
    )

    cpr: str = Field(max_length=10, unique=True, index=True)
    birth_date: date = Field(index=True)
    first_name: str = Field(max_length=200)
    last_name: str = Field(max_length=200, index=True)
    #: Lower-cased "first last cpr birthdate" used by search-as-you-type.
    search_text: str = Field(default="", max_length=500)
    #: Lower-cased "last first" in Danish alphabetical order (æ, ø, å after z): the list's sort key.
    #: Its byte order is that order, so PostgreSQL keeps it (and its index) in the "C" collation.
    sort_key: str = Field(
        default="",
        max_length=400,
        sa_type=String(400).with_variant(String(400, collation="C"), "postgresql"),
    )
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200)
    language: str = Field(default="da", max_length=5)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id", index=True)
    refugee_or_reunified: bool = Field(default=False)
    refugee_year: int | None = Field(default=None)
    disability: bool = Field(default=False)
    digital_post_exempt: bool = Field(default=False)
    deleted_at: datetime | None = Field(default=None)


class BenefitSpell(Versioned, table=True):
    __tablename__ = "benefit_spell"
    #: Covers the indicators' spell queries (a group's spells overlapping a period).
    __table_args__ = (
        Index("ix_benefit_spell_period", "target_group", "start_date", "end_date", "citizen_id"),
    )

    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    target_group: str = Field(max_length=40)
    start_date: date
    #: Last day on the benefit (inclusive); None = ongoing.
    end_date: date | None = Field(default=None)
    end_reason: str | None = Field(default=None, max_length=200)
    visited_to_jobcenter: bool = Field(default=False)
    early_followup_requested_on: date | None = Field(default=None)
    exempt_75: bool = Field(default=False)
    exempt_75_reason: str | None = Field(default=None, max_length=500)
    agreed_contact_days: int | None = Field(default=None)
    #: Kontanthjælp/uddannelseshjælp: the first request to the kommune for help (LAB § 9 stk. 2
    #: nr. 2); None = the spell's first day.
    first_request_on: date | None = Field(default=None)
    #: Sygedagpenge: the first day of absence (SDL § 13 b); None = not known.
    absence_start_on: date | None = Field(default=None)
    #: Sygedagpenge: visitation category "1", "2", "3" (until 2025) or "13f"; None = not recorded.
    sick_category: str | None = Field(default=None, max_length=4)
    #: Dagpenge: a new dagpengeperiode begins on this day (the count of ledighed starts from zero).
    new_dagpengeperiode_on: date | None = Field(default=None)
    #: Dagpenge: accumulated unemployment (sammenlagt ledighed) in hours, known on ``ledighed_on``.
    ledighed_hours: float | None = Field(default=None)
    ledighed_on: date | None = Field(default=None)
    part_time_insured: bool = Field(default=False)
    #: Exempted from the duty to take part in offers (LAB § 102 stk. 4), both days included.
    offer_exempt_from: date | None = Field(default=None)
    offer_exempt_to: date | None = Field(default=None)
    #: Arbejdspligt (LAB kapitel 16 a): cannot be exempted from the 75 % rule.
    work_duty: bool = Field(default=False)


class Plan(Versioned, table=True):
    """The caseworker's working copy of the citizen's Min Plan (LAB § 41), one per citizen."""

    citizen_id: int = Field(foreign_key="citizen.id", unique=True)
    job_goal: str | None = Field(default=None, sa_type=Text)
    education_goal: str | None = Field(default=None, sa_type=Text)
    own_words: str | None = Field(default=None, sa_type=Text)
    job_search: str | None = Field(default=None, sa_type=Text)
    stabilising: str | None = Field(default=None, sa_type=Text)
    other_efforts: str | None = Field(default=None, sa_type=Text)
    #: Status on started and follow-up on finished efforts (LAB § 41 stk. 2 nr. 7).
    status_followup: str | None = Field(default=None, sa_type=Text)
    updated_on: date | None = Field(default=None)
    #: The day the citizen and the caseworker agreed the plan (printed on the citizen's copy).
    agreed_on: date | None = Field(default=None)


class PlanVersion(SQLModel, table=True):
    """A snapshot of the whole plan (fields and milestones) after each save.

    Lets the app show the plan as it was on any earlier date and "what changed since the last
    printed plan" (``printed_at`` is set when a version is printed or saved as PDF).
    """

    __tablename__ = "plan_version"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    number: int
    saved_at: datetime = Field(default_factory=utc_now)
    saved_by: str | None = Field(default=None, max_length=12)
    #: JSON: {"fields": {...}, "milestones": [{"id", "title", "due", "status", ...}, ...]}
    snapshot: str = Field(sa_type=Text)
    printed_at: datetime | None = Field(default=None)


class Milestone(Versioned, table=True):
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    position: int = Field(default=0)
    title: str = Field(max_length=500)
    due: date | None = Field(default=None)
    status: str = Field(default="planned", max_length=20)
    completed_on: date | None = Field(default=None)
    drop_reason: str | None = Field(default=None, max_length=500)
    deleted_at: datetime | None = Field(default=None)


class Company(Versioned, table=True):
    cvr: str = Field(max_length=8, unique=True, index=True)
    name: str = Field(max_length=300, index=True)
    address: str | None = Field(default=None, max_length=300)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=100)
    employees: int | None = Field(default=None)
    #: In the kommune (for the goals that count local companies; a postal-code list in the
    #: organisation settings marks companies local too).
    local: bool = Field(default=False)


class Offer(Versioned, table=True):
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    kind: str = Field(max_length=40, index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    title: str | None = Field(default=None, max_length=300)
    offered_on: date | None = Field(default=None)
    start_date: date | None = Field(default=None)
    planned_end: date | None = Field(default=None)
    actual_end: date | None = Field(default=None)
    hours_per_week: float | None = Field(default=None)
    status: str = Field(default="planned", max_length=20)
    deleted_at: datetime | None = Field(default=None)


class Employment(Versioned, table=True):
    """An outcome: ordinary job, paid hours (småjob), fleksjob or education."""

    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    kind: str = Field(max_length=20)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    start_date: date
    end_date: date | None = Field(default=None)
    hours_per_week: float | None = Field(default=None)
    #: Paid hours (småjob) are agreed per month; the småjob band is a monthly figure.
    hours_per_month: float | None = Field(default=None)
    #: Education: True = finished, False = dropped out, None = ongoing / not applicable.
    completed: bool | None = Field(default=None)


class Conversation(Versioned, table=True):
    #: The next booked conversation per citizen, for worklists, without reading the held ones.
    __table_args__ = (
        Index(
            "ix_conversation_planned",
            "citizen_id",
            "scheduled_at",
            sqlite_where=text("status = 'planned'"),
        ),
    )

    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    kind: str = Field(default="jobsamtale", max_length=20)
    #: Booked instant in UTC (shown and exchanged as Copenhagen wall-clock time).
    scheduled_at: datetime | None = Field(default=None, index=True)
    held_on: date | None = Field(default=None)
    status: str = Field(default="planned", max_length=20)
    channel: str = Field(default="in_person", max_length=20)
    held_by: str = Field(default="jobcenter", max_length=20)
    with_a_kasse: bool = Field(default=False)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id", index=True)
    #: Where an in-person conversation takes place (printed on the citizen's plan).
    location: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_type=Text)


class CompanyContact(Versioned, table=True):
    __tablename__ = "company_contact"

    company_id: int = Field(foreign_key="company.id", index=True)
    contacted_on: date
    kind: str = Field(max_length=20)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id")
    led_to_offer: bool = Field(default=False)
    contact_person: str | None = Field(default=None, max_length=200)
    note: str | None = Field(default=None, sa_type=Text)


class RecruitmentOrder(Versioned, table=True):
    __tablename__ = "recruitment_order"

    company_id: int = Field(foreign_key="company.id", index=True)
    received_on: date
    title: str = Field(max_length=300)
    positions: int = Field(default=1)
    status: str = Field(default="open", max_length=20)
    closed_on: date | None = Field(default=None)


class JournalNote(Versioned, table=True):
    __tablename__ = "journal_note"

    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    written_on: date
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id")
    text: str = Field(sa_type=Text)
    #: A correction is a new note pointing at the one it corrects; notes are never rewritten.
    corrects_id: int | None = Field(default=None, foreign_key="journal_note.id")


class AuditEvent(SQLModel, table=True):
    """Who did what, when, to which record: append-only, written in the action's transaction.

    Holds ids, never CPR numbers or names; ``details`` is JSON with old/new values of a change.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    occurred_at: datetime = Field(default_factory=utc_now, index=True)
    user_initials: str | None = Field(default=None, max_length=12, index=True)
    os_user: str | None = Field(default=None, max_length=100)
    action: str = Field(max_length=40)
    entity: str | None = Field(default=None, max_length=40)
    entity_id: int | None = Field(default=None)
    citizen_id: int | None = Field(default=None, index=True)
    criterion: str | None = Field(default=None, max_length=300)
    purpose: str | None = Field(default=None, max_length=300)
    details: str | None = Field(default=None, sa_type=Text)
    #: Position in the HMAC chain (1, 2, 3, … with no gaps; see ``app.store.audit_chain``).
    seq: int | None = Field(default=None, unique=True, index=True)
    #: HMAC-SHA256 (hex) over the event's canonical content and the previous event's HMAC.
    hmac: str | None = Field(default=None, max_length=64)
    #: The server login that wrote the event (PostgreSQL, set by the server; sealed with it).
    db_login: str | None = Field(default=None, max_length=63)


class AuditSubject(SQLModel, table=True):
    """Further citizens an audit event concerns (the hits a search showed, the citizens in a
    calendar export), so that each citizen's history finds it. Derived from the event's sealed
    ``details["subjects"]``; ``minplan audit verify`` checks that the two agree."""

    __tablename__ = "audit_subject"

    event_seq: int = Field(primary_key=True)
    citizen_id: int = Field(primary_key=True, index=True)


class AuditChain(SQLModel, table=True):
    """The head of the audit chain (one row, id 1), locked by every writer of an audit event.

    ``database_id`` names the database's access-log key in the key store; ``key_check`` is an
    HMAC of a fixed text under that key, so a computer with the wrong key is refused instead of
    forking the chain. ``purged_*`` is the checkpoint of the last retention purge.
    """

    __tablename__ = "audit_chain"

    id: int | None = Field(default=None, primary_key=True)
    database_id: str = Field(max_length=36)
    key_check: str | None = Field(default=None, max_length=64)
    last_seq: int = Field(default=0)
    last_hmac: str = Field(default="", max_length=64)
    last_at: datetime | None = Field(default=None)
    purged_through_seq: int = Field(default=0)
    purged_through_hmac: str = Field(default="", max_length=64)


class AuditPurge(SQLModel, table=True):
    """One retention purge of old audit events: the permit the delete triggers check (``active``
    only inside the purge's transaction) and the checkpoint verification starts from."""

    __tablename__ = "audit_purge"

    id: int | None = Field(default=None, primary_key=True)
    purged_at: datetime = Field(default_factory=utc_now)
    cutoff: datetime
    through_seq: int
    through_hmac: str = Field(max_length=64)
    through_time: datetime | None = Field(default=None)
    events: int = Field(default=0)
    subjects: int = Field(default=0)
    user_initials: str | None = Field(default=None, max_length=12)
    os_user: str | None = Field(default=None, max_length=100)
    active: bool = Field(default=False)
    #: The sequence number of the chained "purge_audit" event that records this purge.
    event_seq: int | None = Field(default=None)


#: Tables only a team server has, with no model: the access log's key and the transaction marks
#: of schema 0016, for the database owner's functions alone.
SERVER_ONLY_TABLES = frozenset({"audit_seal_key", "audit_txn"})

#: Tables in dependency order (parents first): used by exports, demo data and tests.
ALL_TABLES = [
    Caseworker,
    Citizen,
    BenefitSpell,
    Plan,
    PlanVersion,
    Milestone,
    Company,
    Offer,
    Employment,
    Conversation,
    CompanyContact,
    RecruitmentOrder,
    JournalNote,
    AuditEvent,
]


class DeadlineSnooze(Versioned, table=True):
    """A worklist item put aside until a date, with the reason (audited; the deadline itself stays)."""

    __tablename__ = "deadline_snooze"

    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    rule_id: str = Field(max_length=80)
    due: date
    until: date
    reason: str = Field(max_length=500)
    caseworker_id: int | None = Field(default=None, foreign_key="caseworker.id")


class GoalTarget(Versioned, table=True):
    """A target a team lead set for an indicator of a goal plan (overrides the plan file's target)."""

    __tablename__ = "goal_target"

    plan_id: str = Field(max_length=80, index=True)
    indicator_id: str = Field(max_length=80)
    minimum: float | None = Field(default=None)
    maximum: float | None = Field(default=None)
    direction: str | None = Field(default=None, max_length=10)
    compare: str | None = Field(default=None, max_length=20)
    #: The years the target belongs to, comma-separated ("2024"); None: every year.
    years: str | None = Field(default=None, max_length=200)


class AppSetting(Versioned, table=True):
    """An organisation-wide setting (retention, thresholds, backups), shared by every desk.

    Values are JSON text; ``app.casework.admin.org_settings`` declares each key with its type, default
    and limits, so an unknown or malformed value falls back to the default instead of failing.
    """

    __tablename__ = "app_setting"

    key: str = Field(max_length=80, unique=True, index=True)
    value: str = Field(sa_type=Text)


class StoredRequirement(SQLModel, table=True):
    """A requirement the deadline engine found for one of a citizen's spells, kept in the database
    so that a whole jobcenter's deadlines are read rather than recomputed.

    It is the engine's first, day-independent step (``app.domain.deadlines.requirements``): how a
    requirement looks on a given day is worked out when it is read. ``app.casework.deadlines.deadline_store``
    replaces a citizen's rows in the same transaction as any change of their spells,
    conversations or offers, and every row when the rule sets change. ``days`` holds the counting
    days (ISO dates, comma-separated, at most ``required``); ``met_on`` is the last of them when
    there are enough, so aggregates can count "met in time" in SQL.
    """

    __tablename__ = "requirement"
    #: The on-time measures read requirements of some kinds due in a period from this index alone.
    __table_args__ = (
        Index("ix_requirement_on_time", "kind", "due", "citizen_id", "met_on", "target_group"),
    )

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    rule_set: str = Field(max_length=80)
    rule_id: str = Field(max_length=80)
    kind: str = Field(max_length=20)
    target_group: str = Field(max_length=40)
    #: The first day of the § 9 period the requirement belongs to (day 0 of its count).
    period_start: date
    exempt_75: bool = Field(default=False)
    window_start: date
    due: date = Field(index=True)
    required: int
    met_on: date | None = Field(default=None)
    days: str = Field(default="", max_length=400)
    #: JSON of the few explanation parameters some rules need (years, agreed interval).
    extra: str | None = Field(default=None, max_length=400)


class KeptPeriod(SQLModel, table=True):
    """A citizen's § 9 period at 6 months' seniority (``app.domain.deadlines.PeriodSummary``), kept
    beside the requirements for STAR's follow-up figures: the share with at least 4 conversations,
    and with an offer started, by 6 months."""

    __tablename__ = "count_period"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    family: str = Field(max_length=40)
    target_group: str = Field(max_length=40)
    period_start: date
    six_months_on: date | None = Field(default=None, index=True)
    conversations_by_six: int = Field(default=0)
    first_offer_on: date | None = Field(default=None)
    exempt_75: bool = Field(default=False)


class RequirementState(SQLModel, table=True):
    """Which rules the kept requirements follow, and how far ahead periodic ones were generated."""

    __tablename__ = "requirement_state"

    id: int | None = Field(default=None, primary_key=True)
    rules_fingerprint: str = Field(max_length=64)
    horizon: date
    built_at: datetime = Field(default_factory=utc_now)


class UserGoalPlan(Versioned, table=True):
    """A goal plan a team lead made in the app (the four shipped plans are read-only TOML files).

    ``key`` is the plan's id for the CLI and the exports (``minplan indicators --plan KEY``); it
    never collides with a shipped plan's id. Deleting a plan sets ``deleted_at``; the audit log
    keeps every version of it (old and new values of each change).
    """

    __tablename__ = "goal_plan"

    key: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=200)
    municipality: str = Field(default="", max_length=200)
    follow_up: str = Field(default="monthly", max_length=20)
    valid_from: date | None = Field(default=None)
    valid_to: date | None = Field(default=None)
    #: The plan it was copied from (a shipped plan's id or another plan's key).
    based_on: str | None = Field(default=None, max_length=80)
    deleted_at: datetime | None = Field(default=None)


class UserGoalIndicator(SQLModel, table=True):
    """One indicator of a ``UserGoalPlan``, in its place in the plan; replaced as a whole when
    the plan is saved (the plan row carries the version)."""

    __tablename__ = "goal_plan_indicator"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="goal_plan.id", index=True)
    position: int
    key: str = Field(max_length=80)
    label: str = Field(max_length=300)
    measure: str = Field(max_length=60)
    #: The measure's parameters as JSON (target groups, offer kinds, age band, …).
    params: str = Field(default="{}", sa_type=Text)
    minimum: float | None = Field(default=None)
    maximum: float | None = Field(default=None)
    direction: str | None = Field(default=None, max_length=10)
    compare: str | None = Field(default=None, max_length=20)
    #: The years the target belongs to, comma-separated ("2024"); None: every year.
    years: str | None = Field(default=None, max_length=200)
    #: faithful / approximate / not_computable, and the one-sentence note shown beside the figure.
    fidelity: str = Field(default="faithful", max_length=20)
    note: str | None = Field(default=None, sa_type=Text)
    #: Targets for other years (JSON list of target values), where the plan names several.
    more_targets: str | None = Field(default=None, sa_type=Text)


class AccessGrant(SQLModel, table=True):
    """ "Break the glass": a caseworker gave a reason to open a colleague's citizen.

    Valid on ``granted_on`` (the local day) only: that day the caseworker may also work on the
    citizen. The reason is in the audit event of the opening as well.
    """

    __tablename__ = "access_grant"

    id: int | None = Field(default=None, primary_key=True)
    citizen_id: int = Field(foreign_key="citizen.id", index=True)
    caseworker_id: int = Field(foreign_key="caseworker.id", index=True)
    granted_on: date
    granted_at: datetime = Field(default_factory=utc_now)
    reason: str = Field(max_length=300)
