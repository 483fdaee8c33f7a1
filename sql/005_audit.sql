-- The audit trail (DESIGN.md §9; 等保 2.0 安全审计; Cybersecurity Law Art. 21): who did what, when,
-- from where, to which object, with what before and after, and whether it succeeded.
-- Append-only for the application: rows are never updated, and deleted only once older than the
-- retention (at least 180 days), by the purge the audit module runs.

CREATE TABLE audit_event (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  -- Who: the account (kept by id and by login, so the row still reads after the account is gone).
  account_id  integer,
  login       text,
  via         text CHECK (via IS NULL OR via IN ('session', 'token', 'cli', 'system')),
  address     text,
  user_agent  text,
  -- What: e.g. zone.update, assignment.create, session.login, session.login_failed, export.personal.
  action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  object_type text,
  object_id   text,
  object_code text,
  before      jsonb,
  after       jsonb,
  -- ok: done; refused: a 4xx (denied, invalid, conflict); failed: a 5xx.
  outcome     text NOT NULL CHECK (outcome IN ('ok', 'refused', 'failed')),
  status      integer,
  method      text,
  path        text,
  comment     text CHECK (comment IS NULL OR length(comment) <= 500)
);
CREATE INDEX audit_event_at_idx ON audit_event (at);
CREATE INDEX audit_event_account_idx ON audit_event (account_id, at);
CREATE INDEX audit_event_object_idx ON audit_event (object_type, object_id, at);

CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'the audit trail is append-only: rows cannot be changed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- DELETE: only rows past the retention of 180 days.
  IF OLD.at > now() - interval '180 days' THEN
    RAISE EXCEPTION 'the audit trail keeps every row for at least 180 days' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE FUNCTION audit_event_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit trail is append-only: it cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_no_truncate();
