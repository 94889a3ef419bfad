-- Min Plan on a shared PostgreSQL server: group roles with the least privileges each needs.
--
-- Run it after `minplan db upgrade` has made (or upgraded) the schema, and again after every
-- upgrade (new tables get their grants; nothing else changes). It can be run any number of times:
--     psql "host=db.example dbname=minplan user=postgres sslmode=verify-full" -v ON_ERROR_STOP=1 -f roles.sql
-- The first run must be by a superuser or a role with CREATEROLE (it creates the group roles);
-- later runs may be by the database owner. Then give each person a login in one group:
--     CREATE ROLE kl LOGIN IN ROLE minplan_caseworker;   \password kl
--
--   minplan_caseworker  case work: citizens, plans, offers, conversations, journal, companies;
--                       reads caseworkers, goal targets and settings; no DELETE anywhere.
--   minplan_teamlead    reads everything except journal text (aggregates, worklists, history),
--                       sets goal targets and puts worklist items aside.
--   minplan_admin       what a caseworker may, plus users (caseworker), settings (app_setting)
--                       and goal targets.
--   owner               the database owner (e.g. minplan_owner): the schema, migrations and the
--                       audit retention job. Only the owner may change or delete audit events.
-- Everybody may add audit events (every action writes one, through the server's
-- minplan_audit_append); nobody but the owner may write the audit tables directly or touch the
-- schema history (alembic_version). Row-level security limits every citizen-linked table to the
-- citizens the login's user may see (below).
-- tests/test_postgres_roles.py checks this matrix table by table and fails for a table that is
-- not named below: a new table gets its grants here, deliberately.

SET client_min_messages = warning;  -- no notices for what a re-run finds missing
BEGIN;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minplan_caseworker') THEN
        CREATE ROLE minplan_caseworker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minplan_teamlead') THEN
        CREATE ROLE minplan_teamlead NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minplan_admin') THEN
        CREATE ROLE minplan_admin NOLOGIN;
    END IF;
END
$$;

-- Only Min Plan's roles may connect to this database, and nobody else may create objects in it.
DO $$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO minplan_caseworker, minplan_teamlead, minplan_admin',
                   current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO minplan_caseworker, minplan_teamlead, minplan_admin;

-- Start from nothing, so that a re-run also takes away what an older script granted.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM minplan_caseworker, minplan_teamlead, minplan_admin;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM minplan_caseworker, minplan_teamlead, minplan_admin;

-- Case work.
GRANT SELECT, INSERT, UPDATE ON
    citizen, benefit_spell, plan, plan_version, milestone, offer, employment, conversation,
    company, company_contact, recruitment_order, journal_note, deadline_snooze
    TO minplan_caseworker;
GRANT SELECT ON caseworker, goal_target, app_setting, alembic_version TO minplan_caseworker;

-- Administration on top of case work.
DO $$
BEGIN
    IF NOT pg_has_role('minplan_admin', 'minplan_caseworker', 'MEMBER') THEN
        GRANT minplan_caseworker TO minplan_admin;
    END IF;
END
$$;
GRANT SELECT, INSERT, UPDATE ON caseworker, app_setting, goal_target TO minplan_admin;

-- Team leads: read for aggregates, worklists and history; no journal text.
GRANT SELECT ON
    caseworker, citizen, benefit_spell, plan, plan_version, milestone, offer, employment,
    conversation, company, company_contact, recruitment_order, deadline_snooze, goal_target,
    app_setting, alembic_version
    TO minplan_teamlead;
GRANT INSERT, UPDATE ON goal_target, deadline_snooze TO minplan_teamlead;
DO $$
BEGIN
    -- every column of journal_note but the text: that notes exist, when and by whom
    EXECUTE (
        SELECT format('GRANT SELECT (%s) ON journal_note TO minplan_teamlead',
                      string_agg(quote_ident(column_name), ', '))
        FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'journal_note' AND column_name <> 'text'
    );
END
$$;

-- Break the glass: opening a colleague's citizen with a reason leaves a grant for the day
-- (kept as evidence with the access log; removed only with the citizen, by the owner). Grants
-- are written only by minplan_open_citizen, which writes the view event with them.
GRANT SELECT ON access_grant TO minplan_caseworker, minplan_teamlead, minplan_admin;

-- Goal plans made in the app: team leads and admins keep them (an edit replaces the plan's
-- indicators as a whole); caseworkers read them.
GRANT SELECT ON goal_plan, goal_plan_indicator TO minplan_caseworker;
GRANT SELECT, INSERT, UPDATE ON goal_plan TO minplan_teamlead, minplan_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON goal_plan_indicator TO minplan_teamlead, minplan_admin;

-- Kept requirements and § 9 periods (derived from spells, conversations and offers, see
-- app/casework/deadlines/deadline_store.py): whoever writes those facts replaces a citizen's rows in the
-- same transaction, and any desk may rebuild them all after a change of the rule files.
GRANT SELECT, INSERT, DELETE ON requirement, requirement_state, count_period
    TO minplan_caseworker, minplan_teamlead, minplan_admin;

-- The audit log is sealed by the server (schema 0017): a desk adds an event only through
-- minplan_audit_append, which numbers, dates and seals it with a key in audit_seal_key (the owner's
-- alone) and records the login. Desks read the log (its head too) and nothing else; even the
-- owner's deletes are refused by the triggers outside a recorded purge. Every write to case data
-- is logged by a trigger (minplan_audit_row) unless the app logged it in the same transaction.
GRANT SELECT ON audit_event, audit_subject, audit_chain, audit_purge
    TO minplan_caseworker, minplan_teamlead, minplan_admin;
REVOKE ALL ON audit_seal_key, audit_txn FROM PUBLIC;
-- Every citizen a role may see (the citizen table's policy below, read through the indexes), for
-- the case tables' policies: the server makes this set once per query and looks each row's
-- citizen up in it. Checking the citizen table's policy instead, row by row or as a list made
-- from the whole table, read every citizen for each query a caseworker or team lead made (45 ms
-- of a 5 ms read of one caseload's deadlines at 100 000 citizens). The policies pass
-- current_user (inside a definer function current_user is the owner), so that SET ROLE sees
-- what that role sees, as in the citizen table; a login may ask only for itself or a role it
-- may become. Owned by the database's owner (below).
CREATE OR REPLACE FUNCTION minplan_visible_citizens(p_role name) RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $f$
    WITH asker AS (
        SELECT p_role AS login
        WHERE p_role = session_user OR pg_has_role(session_user, p_role, 'MEMBER')
    )
    SELECT c.id FROM citizen c, asker WHERE pg_has_role(asker.login, 'minplan_admin', 'USAGE')
    UNION ALL
    SELECT c.id FROM citizen c WHERE c.caseworker_id IS NULL AND EXISTS (SELECT 1 FROM asker)
    UNION ALL
    SELECT c.id FROM citizen c JOIN caseworker w ON w.id = c.caseworker_id
                               JOIN asker ON asker.login = w.login
    UNION ALL
    SELECT c.id FROM citizen c JOIN caseworker o ON o.id = c.caseworker_id
                               JOIN caseworker m ON m.team = o.team
                               JOIN asker ON asker.login = m.login
    WHERE minplan_member(asker.login, 'minplan_teamlead')
    UNION ALL
    SELECT g.citizen_id FROM access_grant g JOIN caseworker m ON m.id = g.caseworker_id
                                            JOIN asker ON asker.login = m.login
    WHERE g.granted_on = current_date
$f$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION minplan_visible_citizens(name) OWNER TO %I',
                   (SELECT pg_get_userbyid(datdba) FROM pg_database
                    WHERE datname = current_database()));
END
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    minplan_visible_citizens(name),
    minplan_audit_append(text, text, text, text, integer, integer, text, text, text, integer[]),
    minplan_open_citizen(integer, text, text, text, boolean, integer),
    minplan_citizen_owner(integer),
    minplan_find_citizen(text),
    minplan_hand_over(integer, integer, integer),
    minplan_audit_expected(integer, text),
    minplan_audit_checkpoint_ok(text, integer, text, text, text),
    minplan_audit_head_checkpoint()
    TO minplan_caseworker, minplan_teamlead, minplan_admin;

-- Row-level security: the server enforces the caseload, whatever a desk sends. A login sees (and
-- writes) a citizen and the citizen's case when its user (caseworker.login = the login) may:
-- administrators every citizen; everybody the citizens in nobody's caseload; a caseworker their
-- own; a team lead their team's; and anybody the citizens they opened today with a reason (a
-- grant, written by minplan_open_citizen). Team leads never read journal text (column grants
-- above). The owner is not subject to these policies (imports, migrations, retention).
-- "(SELECT pg_has_role(…))" is asked once per query, a bare pg_has_role once per row.
-- A case table's rows are checked against minplan_visible_citizens (above), never with
-- "citizen_id IN (SELECT c.id FROM citizen c)": the server plans that as a list of every citizen
-- the login may see made by reading the whole citizen table for each query (48 ms at 100 000
-- citizens for one citizen's offers). The access log's tables, read a citizen at a time, check
-- the citizen by its key (EXISTS).
DO $$
DECLARE
    -- The citizen table's own policy for caseworkers and team leads: each part a condition the
    -- citizen table's indexes answer (caseworker_id, the key), the lists made once per query, so
    -- that the server finds the login's citizens by seeking. Written as a list of conditions
    -- with a subquery's IN, or beside a role check in the same OR, the server checked every
    -- citizen row by row: 50-120 ms for any read of the citizen table at 300 000 citizens (the
    -- list of all citizens, each keystroke of a search), whatever the caseload's size.
    caseload constant text := $v$(
        caseworker_id IS NULL
        OR caseworker_id = ANY (ARRAY(
            SELECT w.id FROM caseworker w WHERE w.login = current_user
            UNION ALL
            SELECT o.id FROM caseworker o JOIN caseworker m ON m.team = o.team
            WHERE m.login = current_user AND (SELECT pg_has_role('minplan_teamlead', 'MEMBER'))))
        OR id = ANY (ARRAY(
            SELECT g.citizen_id FROM access_grant g JOIN caseworker m ON m.id = g.caseworker_id
            WHERE m.login = current_user AND g.granted_on = current_date)))$v$;
    -- A case table's row: the same citizens. Administrators are asked once per query. A team
    -- lead sees a whole team (a third of the jobcenter in the demo: 60 ms to list, too dear for
    -- every query), so the server checks their rows' citizens by key, or lists them once for a
    -- long read, as it chooses; a caseworker's few citizens are listed once per query.
    in_case constant text := $v$(SELECT pg_has_role('minplan_admin', 'USAGE'))
        OR CASE WHEN (SELECT pg_has_role('minplan_teamlead', 'MEMBER'))
                THEN EXISTS (SELECT 1 FROM citizen c WHERE c.id = citizen_id)
                ELSE citizen_id IN (SELECT v.id FROM minplan_visible_citizens(current_user) AS v(id))
           END$v$;
    linked text;
BEGIN
    ALTER TABLE citizen ENABLE ROW LEVEL SECURITY;
    -- Administrators see every citizen through a policy of their own (the server applies only
    -- the policies of the roles whose privileges the login has, and "true OR …" is simply
    -- true), so that their searches seek through the trigram index.
    DROP POLICY IF EXISTS minplan_everybody ON citizen;
    CREATE POLICY minplan_everybody ON citizen TO minplan_admin USING (true) WITH CHECK (true);
    -- handing a citizen over to a colleague is a change of the old row, which must be visible
    DROP POLICY IF EXISTS minplan_caseload ON citizen;
    EXECUTE 'CREATE POLICY minplan_caseload ON citizen '
         || 'TO minplan_caseworker, minplan_teamlead '
         || 'USING ' || caseload || ' WITH CHECK (true)';

    ALTER TABLE access_grant ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS minplan_caseload ON access_grant;
    CREATE POLICY minplan_caseload ON access_grant
        TO minplan_caseworker, minplan_teamlead, minplan_admin
        USING ((SELECT pg_has_role('minplan_admin', 'USAGE'))
               OR caseworker_id IN (SELECT w.id FROM caseworker w WHERE w.login = current_user)
               OR ((SELECT pg_has_role('minplan_teamlead', 'MEMBER')) AND caseworker_id IN (
                       SELECT o.id FROM caseworker o JOIN caseworker m ON m.team = o.team
                       WHERE m.login = current_user)));

    -- The access log holds old and new values of changes: a caseworker reads the events about
    -- citizens they may see (also as a search hit) and their own login's; team leads (who review
    -- the log) and administrators read it all.
    ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS minplan_caseload ON audit_event;
    CREATE POLICY minplan_caseload ON audit_event
        TO minplan_caseworker, minplan_teamlead, minplan_admin
        USING ((SELECT pg_has_role('minplan_admin', 'USAGE'))
               OR (SELECT pg_has_role('minplan_teamlead', 'MEMBER'))
               OR db_login = current_user
               OR EXISTS (SELECT 1 FROM citizen c WHERE c.id = audit_event.citizen_id)
               OR EXISTS (SELECT 1 FROM audit_subject s
                          WHERE s.event_seq = audit_event.seq
                            AND EXISTS (SELECT 1 FROM citizen c WHERE c.id = s.citizen_id)));
    ALTER TABLE audit_subject ENABLE ROW LEVEL SECURITY;
    DROP POLICY IF EXISTS minplan_caseload ON audit_subject;
    CREATE POLICY minplan_caseload ON audit_subject
        TO minplan_caseworker, minplan_teamlead, minplan_admin
        USING ((SELECT pg_has_role('minplan_admin', 'USAGE'))
               OR (SELECT pg_has_role('minplan_teamlead', 'MEMBER'))
               OR EXISTS (SELECT 1 FROM citizen c WHERE c.id = audit_subject.citizen_id));

    FOREACH linked IN ARRAY ARRAY['benefit_spell', 'plan', 'plan_version', 'milestone', 'offer',
                                  'employment', 'conversation', 'journal_note', 'deadline_snooze',
                                  'requirement', 'count_period']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', linked);
        EXECUTE format('DROP POLICY IF EXISTS minplan_caseload ON %I', linked);
        EXECUTE format('CREATE POLICY minplan_caseload ON %I '
                       'TO minplan_caseworker, minplan_teamlead, minplan_admin '
                       'USING (%s) WITH CHECK (%s)', linked, in_case, in_case);
    END LOOP;
END
$$;

-- Ids: a role may draw from the id sequence of exactly the tables it may insert into.
DO $$
DECLARE
    grant_row record;
    sequence_name text;
BEGIN
    FOR grant_row IN
        SELECT r.rolname AS grantee, c.relname AS table_name
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN pg_roles r
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
          AND r.rolname IN ('minplan_caseworker', 'minplan_teamlead', 'minplan_admin')
          AND has_table_privilege(r.oid, c.oid, 'INSERT')
          AND EXISTS (SELECT 1 FROM information_schema.columns col
                      WHERE col.table_schema = 'public' AND col.table_name = c.relname
                        AND col.column_name = 'id')
    LOOP
        sequence_name := pg_get_serial_sequence(quote_ident(grant_row.table_name), 'id');
        IF sequence_name IS NOT NULL THEN
            EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', sequence_name, grant_row.grantee);
        END IF;
    END LOOP;
END
$$;

COMMIT;
