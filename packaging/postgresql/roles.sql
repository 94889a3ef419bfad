-- Min Plan on a shared PostgreSQL server: database roles with the least privileges each needs.
-- Run as the owner of the database after `minplan db upgrade --database-url …` has made the schema:
--     psql "postgresql://minplan_owner@db.example/minplan" -f packaging/postgresql/roles.sql
-- Then give each person a login role that is a member of one group role, e.g.
--     CREATE ROLE kl LOGIN IN ROLE minplan_caseworker;  (password set by IT, kept in keyring)
-- Only the owner (who runs migrations and the retention job) may change or delete audit events.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minplan_caseworker') THEN
        CREATE ROLE minplan_caseworker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'minplan_teamlead') THEN
        CREATE ROLE minplan_teamlead NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO minplan_caseworker, minplan_teamlead;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO minplan_caseworker, minplan_teamlead;

-- Caseworkers keep the case data.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO minplan_caseworker;
-- Team leads read for worklists and aggregates, set goal targets, and write their own audit events.
GRANT SELECT ON ALL TABLES IN SCHEMA public TO minplan_teamlead;
GRANT INSERT, UPDATE ON goal_target, deadline_snooze TO minplan_teamlead;
-- Team leads do not read journal text: only who wrote a note and when.
REVOKE SELECT ON journal_note FROM minplan_teamlead;
GRANT SELECT (id, citizen_id, written_on, caseworker_id, corrects_id) ON journal_note TO minplan_teamlead;

-- The audit log is append-only for everybody but the owner (who runs `minplan audit purge`; even
-- the owner's deletes are refused by the triggers outside a recorded purge). Writers lock and
-- advance the chain's head row; UPDATE (hmac) only seals events from before schema 0008 — the
-- trigger refuses any other change.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, audit_subject, audit_purge, audit_chain
    FROM minplan_caseworker, minplan_teamlead;
REVOKE INSERT ON audit_purge, audit_chain FROM minplan_caseworker, minplan_teamlead;
GRANT SELECT, INSERT ON audit_event, audit_subject TO minplan_caseworker, minplan_teamlead;
GRANT UPDATE (hmac) ON audit_event TO minplan_caseworker, minplan_teamlead;
GRANT SELECT, UPDATE ON audit_chain TO minplan_caseworker, minplan_teamlead;
GRANT SELECT ON audit_purge TO minplan_caseworker, minplan_teamlead;
-- The schema history is the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON alembic_version FROM minplan_caseworker, minplan_teamlead;
