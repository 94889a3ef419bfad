"""team server: the access log sealed in the server, every write to case data logged by a trigger

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 16:30:00

On PostgreSQL the HMAC chain is sealed by the server (``SECURITY DEFINER`` functions owned by
the database owner), with the key in ``audit_seal_key``, a table only the owner can read: a
desk never holds the key, and a desk login can add an event only through
``minplan_audit_append`` (which numbers, dates and seals it, and records the server login in
``db_login``). An existing chain keeps its key: the one running the upgrade must have it in their
key store (``minplan audit key import``), as any desk writing events had before.

Every INSERT, UPDATE and DELETE on case data fires ``minplan_audit_row`` (a deferred constraint
trigger, run at commit): unless an event the app wrote through ``minplan_audit_append`` in the
same transaction covers the row's citizen, the server writes one itself (``db_insert``,
``db_update``, ``db_delete``, the changed columns, the login). So a write from ``psql`` is
logged like one from the app, and the app's own writes are logged once. ``minplan_open_citizen``
records a view of a citizen, and a stated reason ("break the glass") as a grant for the day.
Row-level security (who sees which citizen) is in ``packaging/postgresql/roles.sql``, next to the
group roles it names.

SQLite only gains the (empty) ``db_login`` column.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose every change the server logs (case data, users, settings, goals).
AUDITED_TABLES = (
    "citizen",
    "benefit_spell",
    "plan",
    "plan_version",
    "milestone",
    "offer",
    "employment",
    "conversation",
    "journal_note",
    "deadline_snooze",
    "company",
    "company_contact",
    "recruitment_order",
    "caseworker",
    "app_setting",
    "goal_target",
    "goal_plan",
    "goal_plan_indicator",
    "access_grant",
)
#: Columns whose values a server-written event does not copy (only that they changed).
_TEXT_COLUMNS = "'{text,job_goal,education_goal,own_words,snapshot,note,notes,summary}'"

_TIME = "to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
_J = "coalesce(to_json({0})::text, 'null')"

FUNCTIONS = [
    # -- the key and the seal (owner only) ----------------------------------------------------
    """CREATE FUNCTION minplan_audit_mac(message text) RETURNS text
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(message, 'UTF8'))),
                     'hex')
       FROM audit_seal_key k WHERE k.id = 1
    $$""",
    # The same bytes as app.store.audit_chain.canonical (JSON array, fixed order, UTC time).
    "CREATE FUNCTION minplan_audit_canonical(e audit_event) RETURNS text "
    "LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public AS $$ SELECT '[' || concat_ws(',', "
    + ", ".join(
        [
            "coalesce(e.seq::text, 'null')",
            _J.format(_TIME.format("e.occurred_at")),
            *(_J.format(f"e.{c}") for c in ("user_initials", "os_user", "action", "entity")),
            "coalesce(e.entity_id::text, 'null')",
            "coalesce(e.citizen_id::text, 'null')",
            *(_J.format(f"e.{c}") for c in ("criterion", "purpose", "details")),
        ]
    )
    + ") || CASE WHEN e.db_login IS NULL THEN '' ELSE ',' || to_json(e.db_login)::text END"
    " || ']' $$",
    # The body app.store.audit_chain._checkpoint_mac covers (sorted keys, no spaces).
    """CREATE FUNCTION minplan_audit_checkpoint_body(p_database_id text, p_seq integer,
                                                      p_seal text, p_at text) RETURNS text
       LANGUAGE sql IMMUTABLE AS $$
       SELECT '{"at":' || coalesce(to_json(p_at)::text, 'null')
              || ',"database_id":' || to_json(p_database_id)::text
              || ',"format":"minplan-audit-checkpoint v1","hmac":' || to_json(p_seal)::text
              || ',"seq":' || p_seq::text || '}'
    $$""",
    # Is a login a member of one of the group roles (which may not exist yet)?
    """CREATE FUNCTION minplan_member(p_login name, p_group name) RETURNS boolean
       LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
       SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_group)
                   THEN pg_has_role(p_login, p_group, 'MEMBER') ELSE false END
    $$""",
    # The owner (or a superuser): bulk jobs (import, demo data) log one event for many rows.
    """CREATE FUNCTION minplan_is_owner(p_login name) RETURNS boolean
       LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
       SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = p_login), false)
           OR p_login = (SELECT pg_get_userbyid(datdba) FROM pg_database
                         WHERE datname = current_database())
    $$""",
    # Seal one event onto the chain (internal: the app calls minplan_audit_append).
    """CREATE FUNCTION minplan_audit_seal_event(
           p_user_initials text, p_os_user text, p_action text, p_entity text,
           p_entity_id integer, p_citizen_id integer, p_criterion text, p_purpose text,
           p_details text, p_subjects integer[])
       RETURNS TABLE (seq integer, hmac text, occurred_at timestamptz, checkpoint_mac text)
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
        head audit_chain;
        e audit_event;
    BEGIN
        SELECT * INTO head FROM audit_chain WHERE id = 1 FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'audit_chain: the head row is missing';
        END IF;
        e.seq := head.last_seq + 1;
        e.occurred_at := clock_timestamp();
        -- the owner, who may write these tables anyway, may date events (tests of retention)
        IF nullif(current_setting('minplan.clock', true), '') IS NOT NULL
           AND minplan_is_owner(session_user) THEN
            e.occurred_at := current_setting('minplan.clock')::timestamptz;
        END IF;
        e.user_initials := left(p_user_initials, 12);
        e.os_user := left(p_os_user, 100);
        e.action := left(p_action, 40);
        e.entity := left(p_entity, 40);
        e.entity_id := p_entity_id;
        e.citizen_id := p_citizen_id;
        e.criterion := left(p_criterion, 300);
        e.purpose := left(p_purpose, 300);
        e.details := p_details;
        e.db_login := session_user;
        e.hmac := minplan_audit_mac(head.last_hmac || E'\\n' || minplan_audit_canonical(e));
        INSERT INTO audit_event (occurred_at, user_initials, os_user, action, entity, entity_id,
                                 citizen_id, criterion, purpose, details, seq, hmac, db_login)
        VALUES (e.occurred_at, e.user_initials, e.os_user, e.action, e.entity, e.entity_id,
                e.citizen_id, e.criterion, e.purpose, e.details, e.seq, e.hmac, e.db_login);
        IF p_subjects IS NOT NULL THEN
            INSERT INTO audit_subject (event_seq, citizen_id)
            SELECT DISTINCT e.seq, s FROM unnest(p_subjects) AS s WHERE s IS NOT NULL;
        END IF;
        UPDATE audit_chain SET last_seq = e.seq, last_hmac = e.hmac, last_at = e.occurred_at
        WHERE id = 1;
        RETURN QUERY SELECT e.seq, e.hmac::text, e.occurred_at,
            minplan_audit_mac('checkpoint' || E'\\n' || minplan_audit_checkpoint_body(
                head.database_id, e.seq, e.hmac, """
    + _TIME.format("e.occurred_at")
    + """));
    END $$""",
    # The app's way to log: the event is sealed by the server, and marks its citizens as
    # covered for this transaction (the row trigger then writes no second event).
    """CREATE FUNCTION minplan_audit_append(
           p_user_initials text, p_os_user text, p_action text, p_entity text,
           p_entity_id integer, p_citizen_id integer, p_criterion text, p_purpose text,
           p_details text, p_subjects integer[])
       RETURNS TABLE (seq integer, hmac text, occurred_at timestamptz, checkpoint_mac text)
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    BEGIN
        IF p_action LIKE 'db\\_%' THEN
            RAISE EXCEPTION 'audit_event: % is written by the server only', p_action
                USING ERRCODE = '42501';
        END IF;
        RETURN QUERY SELECT * FROM minplan_audit_seal_event(
            p_user_initials, p_os_user, p_action, p_entity, p_entity_id, p_citizen_id,
            p_criterion, p_purpose, p_details, p_subjects);
        -- rows of finished transactions are never needed again
        DELETE FROM audit_txn WHERE txid <> txid_current();
        -- a citizen's id: covers that citizen's rows; -1: rows of no citizen (companies, users,
        -- settings); NULL: every row (one event for a bulk job by the owner)
        IF p_action NOT IN ('view', 'search') THEN
            IF p_citizen_id IS NULL AND coalesce(cardinality(p_subjects), 0) = 0
               AND minplan_is_owner(session_user) THEN
                INSERT INTO audit_txn (txid, citizen_id) VALUES (txid_current(), NULL);
            ELSE
                INSERT INTO audit_txn (txid, citizen_id)
                SELECT txid_current(), coalesce(c, -1)
                FROM unnest(array_append(p_subjects, p_citizen_id)) AS c;
            END IF;
        END IF;
    END $$""",
    # Every change to case data is logged, by the app's event or else by this one.
    """CREATE FUNCTION minplan_audit_row() RETURNS trigger
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
        now_row jsonb;
        was_row jsonb;
        citizen integer;
        details jsonb;
        changed text[];
    BEGIN
        IF TG_OP = 'DELETE' THEN now_row := to_jsonb(OLD); ELSE now_row := to_jsonb(NEW); END IF;
        IF TG_OP = 'UPDATE' THEN was_row := to_jsonb(OLD); END IF;
        citizen := CASE WHEN TG_TABLE_NAME = 'citizen' THEN (now_row ->> 'id')::integer
                        ELSE (now_row ->> 'citizen_id')::integer END;
        IF EXISTS (SELECT 1 FROM audit_txn t WHERE t.txid = txid_current()
                   AND (t.citizen_id IS NULL OR t.citizen_id = coalesce(citizen, -1))) THEN
            RETURN NULL;  -- the app logged this change itself
        END IF;
        IF TG_OP = 'UPDATE' THEN
            SELECT array_agg(k ORDER BY k) INTO changed FROM jsonb_object_keys(now_row) AS k
            WHERE (now_row -> k) IS DISTINCT FROM (was_row -> k);
            IF changed IS NULL THEN
                RETURN NULL;
            END IF;
            details := jsonb_build_object(
                'old', (SELECT jsonb_object_agg(k, CASE WHEN k = ANY ("""
    + _TEXT_COLUMNS
    + """)
                        THEN to_jsonb('…'::text) ELSE was_row -> k END) FROM unnest(changed) k),
                'new', (SELECT jsonb_object_agg(k, CASE WHEN k = ANY ("""
    + _TEXT_COLUMNS
    + """)
                        THEN to_jsonb('…'::text) ELSE now_row -> k END) FROM unnest(changed) k));
        ELSE
            details := jsonb_build_object(
                CASE WHEN TG_OP = 'DELETE' THEN 'old' ELSE 'new' END,
                (SELECT jsonb_object_agg(k, CASE WHEN k = ANY ("""
    + _TEXT_COLUMNS
    + """)
                        THEN to_jsonb('…'::text) ELSE now_row -> k END)
                 FROM jsonb_object_keys(now_row) k));
        END IF;
        details := details || jsonb_build_object('login', session_user::text);
        PERFORM minplan_audit_seal_event(
            (SELECT w.initials FROM caseworker w WHERE w.login = session_user LIMIT 1),
            NULL, 'db_' || lower(TG_OP), TG_TABLE_NAME, (now_row ->> 'id')::integer, citizen,
            NULL, NULL, details::text, NULL);
        RETURN NULL;
    END $$""",
    # -- who sees which citizen (also used by the policies in roles.sql) --------------------------
    # Without broken glass: administrators all; everybody the citizens in nobody's caseload; a
    # team lead the team's; a caseworker their own.
    """CREATE FUNCTION minplan_sees_citizen(p_login name, p_citizen_id integer) RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT EXISTS (
           SELECT 1 FROM citizen c
           WHERE c.id = p_citizen_id AND (
               c.caseworker_id IS NULL
               OR minplan_member(p_login, 'minplan_admin')
               OR c.caseworker_id IN (SELECT w.id FROM caseworker w WHERE w.login = p_login)
               OR (minplan_member(p_login, 'minplan_teamlead')
                   AND c.caseworker_id IN (
                       SELECT o.id FROM caseworker o JOIN caseworker m ON m.team = o.team
                       WHERE m.login = p_login))))
    $$""",
    # Whose caseload a citizen is in (for the break-the-glass question).
    """CREATE FUNCTION minplan_citizen_owner(p_citizen_id integer) RETURNS integer
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT caseworker_id FROM citizen WHERE id = p_citizen_id
    $$""",
    # A citizen outside what the login sees, found by the complete CPR number (so that the glass
    # can be broken for them): the list's columns, nothing more; the app logs the search.
    """CREATE FUNCTION minplan_find_citizen(p_cpr text)
       RETURNS TABLE (id integer, first_name text, last_name text, cpr text, birth_date date,
                      caseworker text)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT c.id, c.first_name::text, c.last_name::text, c.cpr::text, c.birth_date,
              w.initials::text
       FROM citizen c LEFT JOIN caseworker w ON w.id = c.caseworker_id
       WHERE length(regexp_replace(p_cpr, '[^0-9]', '', 'g')) = 10
         AND regexp_replace(c.cpr, '[^0-9]', '', 'g') = regexp_replace(p_cpr, '[^0-9]', '', 'g')
         AND c.deleted_at IS NULL
    $$""",
    # Open a citizen: the view event, and for a citizen outside what the login sees a stated
    # reason, kept as a grant for the day (grants are written here only). The owner's own
    # sessions (tests, jobs) act for the app user they name: p_grant and p_caseworker_id.
    """CREATE FUNCTION minplan_open_citizen(
           p_citizen_id integer, p_user_initials text, p_os_user text, p_reason text,
           p_grant boolean, p_caseworker_id integer)
       RETURNS TABLE (seq integer, hmac text, occurred_at timestamptz, checkpoint_mac text)
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
        me integer;
        reason text := nullif(btrim(p_reason), '');
        earlier text;
        owner boolean := minplan_is_owner(session_user);
    BEGIN
        IF EXISTS (SELECT 1 FROM citizen WHERE id = p_citizen_id)
           AND (NOT minplan_sees_citizen(session_user, p_citizen_id)
                OR (owner AND coalesce(p_grant, false))) THEN
            SELECT w.id INTO me FROM caseworker w WHERE w.login = session_user LIMIT 1;
            IF me IS NULL AND owner THEN
                me := p_caseworker_id;
            END IF;
            IF me IS NULL THEN
                RAISE EXCEPTION 'this login is not a Min Plan user' USING ERRCODE = '42501';
            END IF;
            SELECT g.reason INTO earlier FROM access_grant g
            WHERE g.citizen_id = p_citizen_id AND g.caseworker_id = me
              AND g.granted_on = current_date ORDER BY g.id LIMIT 1;
            IF reason IS NULL THEN
                reason := earlier;
            END IF;
            IF reason IS NULL THEN
                RAISE EXCEPTION 'a reason is needed to open this citizen' USING ERRCODE = '42501';
            END IF;
            IF earlier IS NULL THEN
                INSERT INTO access_grant (citizen_id, caseworker_id, granted_on, granted_at, reason)
                VALUES (p_citizen_id, me, current_date, now(), left(reason, 300));
            END IF;
        END IF;
        RETURN QUERY SELECT * FROM minplan_audit_append(
            p_user_initials, p_os_user, 'view', 'citizen', p_citizen_id, p_citizen_id,
            NULL, reason, NULL, NULL);
        INSERT INTO audit_txn (txid, citizen_id) VALUES (txid_current(), p_citizen_id);
    END $$""",
    # Hand a citizen over (the new row is no longer the login's to see, which row-level
    # security would refuse): allowed for a citizen the login sees now (a grant of today
    # included), with the app's optimistic lock. Returns the new version, or NULL when someone
    # else changed the row first. The app logs the hand-over in the same transaction.
    """CREATE FUNCTION minplan_hand_over(p_citizen_id integer, p_caseworker_id integer,
                                         p_version integer) RETURNS integer
       LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    DECLARE
        me integer;
        done integer;
    BEGIN
        SELECT w.id INTO me FROM caseworker w WHERE w.login = session_user LIMIT 1;
        IF NOT (minplan_is_owner(session_user)
                OR minplan_sees_citizen(session_user, p_citizen_id)
                OR EXISTS (SELECT 1 FROM access_grant g WHERE g.citizen_id = p_citizen_id
                           AND g.caseworker_id = me AND g.granted_on = current_date)) THEN
            RAISE EXCEPTION 'this login may not hand over this citizen' USING ERRCODE = '42501';
        END IF;
        UPDATE citizen SET caseworker_id = p_caseworker_id, version = version + 1,
                           updated_at = now()
        WHERE id = p_citizen_id AND version = p_version
        RETURNING version INTO done;
        RETURN done;
    END $$""",
    # -- verification without the key ----------------------------------------------------------
    # The seal event p_seq should have: over its stored content and the stored seal before it
    # (p_first for the oldest event kept).
    """CREATE FUNCTION minplan_audit_expected(p_seq integer, p_first text) RETURNS text
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT minplan_audit_mac(
           coalesce((SELECT p.hmac FROM audit_event p WHERE p.seq = p_seq - 1), p_first)
           || E'\\n' || minplan_audit_canonical(e))
       FROM audit_event e WHERE e.seq = p_seq
    $$""",
    """CREATE FUNCTION minplan_audit_checkpoint_ok(p_database_id text, p_seq integer,
                                                    p_seal text, p_at text, p_mac text)
       RETURNS boolean
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT coalesce(minplan_audit_mac('checkpoint' || E'\\n' || minplan_audit_checkpoint_body(
           p_database_id, p_seq, p_seal, p_at)) = p_mac, false)
    $$""",
    """CREATE FUNCTION minplan_audit_head_checkpoint()
       RETURNS TABLE (database_id text, seq integer, seal text, at text, mac text)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT h.database_id::text, h.last_seq, h.last_hmac::text,
              """
    + _TIME.format("h.last_at")
    + """,
              minplan_audit_mac('checkpoint' || E'\\n' || minplan_audit_checkpoint_body(
                  h.database_id, h.last_seq, h.last_hmac, """
    + _TIME.format("h.last_at")
    + """))
       FROM audit_chain h WHERE h.id = 1
    $$""",
]

FUNCTION_SIGNATURES = [
    "minplan_audit_mac(text)",
    "minplan_audit_canonical(audit_event)",
    "minplan_audit_checkpoint_body(text, integer, text, text)",
    "minplan_member(name, name)",
    "minplan_is_owner(name)",
    "minplan_audit_seal_event(text, text, text, text, integer, integer, text, text, text, integer[])",
    "minplan_audit_append(text, text, text, text, integer, integer, text, text, text, integer[])",
    "minplan_audit_row()",
    "minplan_sees_citizen(name, integer)",
    "minplan_citizen_owner(integer)",
    "minplan_find_citizen(text)",
    "minplan_hand_over(integer, integer, integer)",
    "minplan_open_citizen(integer, text, text, text, boolean, integer)",
    "minplan_audit_expected(integer, text)",
    "minplan_audit_checkpoint_ok(text, integer, text, text, text)",
    "minplan_audit_head_checkpoint()",
]


def _pads(key: bytes) -> tuple[bytes, bytes]:
    block = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("db_login", sa.String(length=63), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TABLE audit_seal_key (id integer PRIMARY KEY CHECK (id = 1), "
        "inner_pad bytea NOT NULL, outer_pad bytea NOT NULL)"
    )
    op.execute("CREATE TABLE audit_txn (txid bigint NOT NULL, citizen_id integer)")
    op.execute("CREATE INDEX ix_audit_txn_txid ON audit_txn (txid)")
    for statement in FUNCTIONS:
        op.execute(statement)
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
    for table in AUDITED_TABLES:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_audit AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION minplan_audit_row()"
        )

    # The key: the chain's own (from the upgrader's key store), or a new one for a new chain.
    head = bind.execute(
        sa.text("SELECT database_id, key_check FROM audit_chain WHERE id = 1")
    ).one_or_none()
    if head is None:
        return
    if head.key_check is not None:
        from app.store import audit_key

        key = audit_key.get_key(head.database_id, head.key_check)
    else:
        key = secrets.token_bytes(32)
    inner, outer = _pads(key)
    bind.execute(
        sa.text("INSERT INTO audit_seal_key (id, inner_pad, outer_pad) VALUES (1, :i, :o)"),
        {"i": inner, "o": outer},
    )
    if head.key_check is None:  # events from before the chain: sealed in their order, once
        op.execute(
            """DO $$
            DECLARE e audit_event; previous text := '';
            BEGIN
                FOR e IN SELECT * FROM audit_event WHERE hmac IS NULL ORDER BY seq LOOP
                    previous := minplan_audit_mac(previous || E'\\n' || minplan_audit_canonical(e));
                    UPDATE audit_event SET hmac = previous WHERE id = e.id;
                END LOOP;
                UPDATE audit_chain SET last_hmac = previous WHERE id = 1;
            END $$"""
        )
        check = hmac.new(key, b"minplan audit key check v1", hashlib.sha256).hexdigest()
        bind.execute(sa.text("UPDATE audit_chain SET key_check = :c WHERE id = 1"), {"c": check})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in AUDITED_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_audit ON {table}")
        for signature in reversed(FUNCTION_SIGNATURES):
            op.execute(f"DROP FUNCTION IF EXISTS {signature}")
        op.execute("DROP TABLE IF EXISTS audit_txn")
        op.execute("DROP TABLE IF EXISTS audit_seal_key")
    op.drop_column("audit_event", "db_login")  # not in batch mode: keeps SQLite's triggers
