-- The closed loop (DESIGN.md §10): cases, their timelines and photos, the categories' time
-- limits, the working calendar, the notification outbox and in-app inbox, and the leases that
-- let one of several server processes run each piece of background work.

-- What the standards' category tables carry (CJJ/T 106, GB/T 30428.8): 立案条件, 处置时限 and
-- 结案条件. The responsible department stays per zone (category_route, inherited downwards).
ALTER TABLE category
  ADD COLUMN code              text UNIQUE CHECK (code IS NULL OR code ~ '^[A-Za-z0-9._-]{1,32}$'),
  ADD COLUMN filing_condition  text CHECK (filing_condition IS NULL OR length(filing_condition) <= 500),
  ADD COLUMN closing_condition text CHECK (closing_condition IS NULL OR length(closing_condition) <= 500),
  -- 处置时限, counted from dispatch: NULL = no limit.
  ADD COLUMN limit_value       integer CHECK (limit_value IS NULL OR limit_value BETWEEN 1 AND 10000),
  ADD COLUMN limit_unit        text CHECK (limit_unit IS NULL OR limit_unit IN ('working_hours', 'working_days', 'hours', 'days')),
  -- Citizens pick from the public categories on the QR page and through Open311.
  ADD COLUMN public            boolean NOT NULL DEFAULT true,
  ADD COLUMN version           integer NOT NULL DEFAULT 1,
  ADD CHECK ((limit_value IS NULL) = (limit_unit IS NULL));

-- The working calendar: working periods of an ordinary working day, and the days that differ
-- from the weekly rule (Monday–Friday work): statutory holidays (working = false) and the
-- 调休 Saturdays or Sundays worked in exchange (working = true).
CREATE TABLE work_calendar (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  time_zone  text NOT NULL DEFAULT 'Asia/Shanghai',
  -- [["08:30","12:00"],["13:30","17:30"]]: local times, ascending, not overlapping.
  periods    jsonb NOT NULL DEFAULT '[["08:30","12:00"],["13:30","17:30"]]',
  -- A case reaches its warning when this share of its time limit has passed.
  warn_ratio double precision NOT NULL DEFAULT 0.75 CHECK (warn_ratio > 0 AND warn_ratio < 1),
  version    integer NOT NULL DEFAULT 1
);
INSERT INTO work_calendar DEFAULT VALUES;

CREATE TABLE work_calendar_day (
  day     date PRIMARY KEY,
  working boolean NOT NULL,
  note    text CHECK (note IS NULL OR length(note) <= 100)
);

-- A case (案卷). "case" is an SQL keyword, hence case_file.
CREATE TABLE case_file (
  id                 serial PRIMARY KEY,
  -- Shown to people: 20261202-0007 (the day of intake, Beijing time, and a running number).
  number             text NOT NULL UNIQUE,
  -- The citizen's follow-up link carries this random secret, never the id.
  public_token       text NOT NULL UNIQUE,
  channel            text NOT NULL CHECK (channel IN ('qr', 'hotline', 'patrol', 'open311', 'app')),
  state              text NOT NULL CHECK (state IN
                       ('reported', 'filed', 'voided', 'dispatched', 'accepted', 'handled',
                        'closed', 'evaluated', 'parked', 'duplicate')),
  category_id        integer NOT NULL REFERENCES category (id) ON DELETE RESTRICT,
  description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  location           geometry(Point, 4326) NOT NULL,
  -- The stated accuracy of the point, metres (a phone's GPS, a hotline address).
  accuracy_m         double precision CHECK (accuracy_m IS NULL OR (accuracy_m >= 0 AND accuracy_m <= 100000)),
  address            text CHECK (address IS NULL OR length(address) <= 300),
  signboard_code     text,
  reporter_name      text CHECK (reporter_name IS NULL OR length(reporter_name) <= 100),
  reporter_phone     text CHECK (reporter_phone IS NULL OR length(reporter_phone) <= 40),
  reporter_account_id integer REFERENCES account (id) ON DELETE SET NULL,
  -- Open311: the calling system's own id for the request.
  external_id        text CHECK (external_id IS NULL OR length(external_id) <= 100),
  -- Routing at intake, as it was then (a later reassignment does not rewrite it): the primary
  -- owner and its duty, the zone it owns the point by, the category's department, and the whole
  -- chain (zones with their holders, party ids, names and phones) as JSON.
  owner_party_id     integer REFERENCES party (id) ON DELETE SET NULL,
  owner_duty         text CHECK (owner_duty IS NULL OR owner_duty IN ('merchant', 'chief', 'department', 'fallback')),
  owner_zone_id      integer REFERENCES zone (id) ON DELETE SET NULL,
  department_id      integer REFERENCES party (id) ON DELETE SET NULL,
  routing            jsonb NOT NULL,
  -- The zones the point lies in at intake (every kind), for scope checks and filters.
  zone_ids           integer[] NOT NULL DEFAULT '{}',
  -- near_border, coverage_gap, outside, possible_duplicate: for the dispatcher to confirm.
  flags              text[] NOT NULL DEFAULT '{}',
  duplicate_of       integer REFERENCES case_file (id) ON DELETE SET NULL,
  -- Who has it now (the party it is dispatched to: the owner, or whoever the dispatcher chose).
  assignee_party_id  integer REFERENCES party (id) ON DELETE SET NULL,
  -- The time limit copied from the category at dispatch, and the clock.
  limit_value        integer,
  limit_unit         text,
  dispatched_at      timestamptz,
  warn_at            timestamptz,
  due_at             timestamptz,
  warned_at          timestamptz,
  overdue_at         timestamptz,
  -- 0 = not escalated; 1 = to the segment's street chief; 2 = … up the chain (section 4).
  escalation_level   integer NOT NULL DEFAULT 0,
  escalated_at       timestamptz,
  handled_at         timestamptz,
  closed_at          timestamptz,
  -- Closed by its due time (NULL while open or without a limit).
  closed_on_time     boolean,
  rework_count       integer NOT NULL DEFAULT 0,
  extension_count    integer NOT NULL DEFAULT 0,
  handback_count     integer NOT NULL DEFAULT 0,
  -- The state a parked or extended case returns to.
  parked_from        text,
  rating             integer CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
  rating_comment     text CHECK (rating_comment IS NULL OR length(rating_comment) <= 500),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  version            integer NOT NULL DEFAULT 1
);
CREATE INDEX case_file_state_due_idx ON case_file (state, due_at);
CREATE INDEX case_file_assignee_idx ON case_file (assignee_party_id, state);
CREATE INDEX case_file_category_idx ON case_file (category_id, state);
CREATE INDEX case_file_created_idx ON case_file (created_at);
CREATE INDEX case_file_zone_ids_idx ON case_file USING gin (zone_ids);
CREATE INDEX case_file_location_gist ON case_file USING gist (location);
CREATE UNIQUE INDEX case_file_external_key ON case_file (channel, external_id) WHERE external_id IS NOT NULL;

CREATE SEQUENCE case_number_seq;

-- The timeline: append-only, one row per step (who, when, what, notes, photos).
CREATE TABLE case_event (
  id               bigserial PRIMARY KEY,
  case_id          integer NOT NULL REFERENCES case_file (id) ON DELETE CASCADE,
  at               timestamptz NOT NULL DEFAULT now(),
  -- reported, filed, voided, dispatched, accepted, handed_back, extension_requested,
  -- extension_approved, extension_refused, park_requested, parked, unparked, handled,
  -- sent_back, closed, evaluated, marked_duplicate, warned, overdue, escalated, reassigned, note
  action           text NOT NULL CHECK (action ~ '^[a-z_]{1,40}$'),
  from_state       text,
  to_state         text,
  account_id       integer REFERENCES account (id) ON DELETE SET NULL,
  login            text,
  display_name     text,
  -- The system's own steps (warnings, escalations) have no account.
  by_system        boolean NOT NULL DEFAULT false,
  note             text CHECK (note IS NULL OR length(note) <= 2000),
  -- Shown on the citizen's follow-up page (never the reporter, never internal notes).
  public           boolean NOT NULL DEFAULT false,
  public_note      text CHECK (public_note IS NULL OR length(public_note) <= 500),
  details          jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_event_case_idx ON case_event (case_id, id);

CREATE FUNCTION case_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'case_event is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER case_event_append_only BEFORE UPDATE ON case_event
  FOR EACH ROW EXECUTE FUNCTION case_event_append_only();

-- Photos of a report or of the handler's feedback. `bytes` is the file as stripped of its
-- metadata (EXIF location included) on upload; the original is not kept.
CREATE TABLE case_photo (
  id           serial PRIMARY KEY,
  case_id      integer NOT NULL REFERENCES case_file (id) ON DELETE CASCADE,
  event_id     bigint REFERENCES case_event (id) ON DELETE SET NULL,
  -- report (with the intake), feedback (the handler's), verification (on the spot)
  purpose      text NOT NULL CHECK (purpose IN ('report', 'feedback', 'verification')),
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes        bytea NOT NULL,
  byte_size    integer NOT NULL,
  sha256       text NOT NULL,
  public       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_photo_case_idx ON case_photo (case_id);

-- Where a road's liaison group (路长联络群) or a department gets its messages: a 企业微信 or
-- 钉钉 group robot webhook (钉钉 optionally signed with a secret), or an SMS gateway number.
CREATE TABLE notify_channel (
  id         serial PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('wecom', 'dingtalk', 'sms')),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  -- The zone (and everything under it) whose cases go to this channel, or a party's cases.
  zone_id    integer REFERENCES zone (id) ON DELETE CASCADE,
  party_id   integer REFERENCES party (id) ON DELETE CASCADE,
  -- webhook URL, or the phone number for SMS
  target     text NOT NULL CHECK (length(target) BETWEEN 1 AND 500),
  secret     text,
  enabled    boolean NOT NULL DEFAULT true,
  version    integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (zone_id IS NOT NULL OR party_id IS NOT NULL)
);

-- Messages to deliver, at least once: a sender takes due rows under a lease, sends, and marks
-- them sent, or schedules a retry with back-off, and after the last attempt marks them dead.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  channel         text NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'sms', 'inbox')),
  notify_channel_id integer REFERENCES notify_channel (id) ON DELETE SET NULL,
  -- webhook URL, phone number, or for the inbox the party id
  target          text NOT NULL,
  case_id         integer REFERENCES case_file (id) ON DELETE CASCADE,
  -- dispatched, warning, overdue, escalated, sent_back, closed, …
  event           text NOT NULL,
  payload         jsonb NOT NULL,
  -- The same message is never queued twice (case, event, step, target).
  dedupe_key      text NOT NULL UNIQUE,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  leased_until    timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz
);
CREATE INDEX outbox_due_idx ON outbox (state, next_attempt_at);
CREATE INDEX outbox_case_idx ON outbox (case_id);

-- The in-app inbox of a party (a chief, a department, a merchant): what the outbox delivered.
CREATE TABLE inbox_message (
  id         bigserial PRIMARY KEY,
  party_id   integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  case_id    integer REFERENCES case_file (id) ON DELETE CASCADE,
  outbox_id  bigint UNIQUE REFERENCES outbox (id) ON DELETE SET NULL,
  title      text NOT NULL,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at    timestamptz
);
CREATE INDEX inbox_message_party_idx ON inbox_message (party_id, id);

-- Background work (deadline sweeps, outbox delivery) runs in whichever process holds the lease
-- of its job; a process that dies loses the lease when it expires, and another takes over.
CREATE TABLE job_lease (
  name         text PRIMARY KEY,
  holder       text,
  leased_until timestamptz,
  last_run_at  timestamptz,
  last_error   text
);
