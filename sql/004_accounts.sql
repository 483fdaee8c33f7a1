-- Staff accounts, their roles with scopes, sessions and API tokens (DESIGN.md §9).
-- Secrets are never stored: a password as its scrypt hash, a session or API token as the
-- SHA-256 of the random token the client holds.

CREATE TABLE account (
  id                   serial PRIMARY KEY,
  login                text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  -- NULL: the account cannot sign in with a password (a system calling with an API token).
  password_hash        text,
  password_changed_at  timestamptz NOT NULL DEFAULT now(),
  must_change_password boolean NOT NULL DEFAULT false,
  -- The party this person is, when they are a chief or handler (their own zones and cases).
  party_id             integer REFERENCES party (id) ON DELETE SET NULL,
  disabled             boolean NOT NULL DEFAULT false,
  failed_logins        integer NOT NULL DEFAULT 0,
  locked_until         timestamptz,
  -- RFC 6238 secret (base32); totp_enabled once the person confirmed a code from it.
  totp_secret          text,
  totp_enabled         boolean NOT NULL DEFAULT false,
  -- Demo accounts are created with the demo and named as such on the login page.
  demo                 boolean NOT NULL DEFAULT false,
  created_at           timestamptz NOT NULL DEFAULT now(),
  version              integer NOT NULL DEFAULT 1
);

-- A role granted to an account within a scope: the whole city (both scope columns NULL), a
-- jurisdiction and everything under it (scope_zone_id), or a party — a department and what is
-- routed to it, a chief and the zones they hold (scope_party_id).
CREATE TABLE account_grant (
  id             serial PRIMARY KEY,
  account_id     integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  role           text NOT NULL CHECK (role ~ '^[a-z_]{1,40}$'),
  scope_zone_id  integer REFERENCES zone (id) ON DELETE CASCADE,
  scope_party_id integer REFERENCES party (id) ON DELETE CASCADE,
  granted_by     integer REFERENCES account (id) ON DELETE SET NULL,
  granted_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (scope_zone_id IS NULL OR scope_party_id IS NULL)
);
CREATE UNIQUE INDEX account_grant_key
  ON account_grant (account_id, role, coalesce(scope_zone_id, 0), coalesce(scope_party_id, 0));

-- A signed-in browser. The cookie holds a random token; only its hash is here.
CREATE TABLE account_session (
  token_hash     text PRIMARY KEY,
  account_id     integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  csrf_token     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  -- The absolute end, whatever the activity.
  expires_at     timestamptz NOT NULL,
  -- The password was right but the second factor is still to come: the session grants nothing.
  pending_second_factor boolean NOT NULL DEFAULT false,
  address        text,
  user_agent     text
);
CREATE INDEX account_session_account_idx ON account_session (account_id);

-- A token for a system calling Jiezhang (a 12345 hotline platform, a 数字城管 system), sent as
-- `Authorization: Bearer …`. It acts as its account, limited to `permissions` when set.
CREATE TABLE api_token (
  id           serial PRIMARY KEY,
  token_hash   text NOT NULL UNIQUE,
  account_id   integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  permissions  text[],
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_token_account_idx ON api_token (account_id);

-- The security administrator's policy: one row, a JSON document the server validates.
CREATE TABLE security_policy (
  id         integer PRIMARY KEY CHECK (id = 1),
  policy     jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by integer REFERENCES account (id) ON DELETE SET NULL
);
INSERT INTO security_policy (id) VALUES (1);
