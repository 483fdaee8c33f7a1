-- Patrols (巡查) and the duties behind them (五定, 下沉六员): DESIGN.md §11. A patrol is a walk
-- by one person, recorded on a phone (positions while walking) or uploaded as a GPX file; its
-- track is resolved against the zones into time and distance per zone (patrol_credit), which is
-- what assessment counts. The raw fixes are sensitive personal data (行踪轨迹, PIPL Art. 28):
-- read only by the walker and `patrols.tracks`, and deleted after the retention period, while
-- the credits (aggregates) stay.

CREATE TABLE patrol (
  id           serial PRIMARY KEY,
  -- Who walked: the account and the party it is (a chief, grid worker, leader).
  account_id   integer REFERENCES account (id) ON DELETE SET NULL,
  party_id     integer REFERENCES party (id) ON DELETE SET NULL,
  -- In which capacity (matches patrol_requirement.role and zone_staff.role).
  role         text NOT NULL CHECK (role IN ('chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other')),
  source       text NOT NULL CHECK (source IN ('phone', 'gpx', 'batch')),
  -- recording: started on a phone and not yet stopped; done: stopped and credited.
  state        text NOT NULL CHECK (state IN ('recording', 'done', 'discarded')),
  started_at   timestamptz NOT NULL,
  ended_at     timestamptz,
  -- The tolerance a fix is credited within (a strip narrower than GPS error), metres.
  accuracy_m   double precision NOT NULL DEFAULT 15 CHECK (accuracy_m >= 0 AND accuracy_m <= 1000),
  -- Totals after gaps and jumps are taken out (NULL while recording).
  distance_m   double precision,
  walking_s    double precision,
  note         text CHECK (note IS NULL OR length(note) <= 2000),
  -- When the raw fixes were deleted under the retention period (the credits stay).
  fixes_purged_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  version      integer NOT NULL DEFAULT 1,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX patrol_party_idx ON patrol (party_id, started_at);
CREATE INDEX patrol_started_idx ON patrol (started_at);

-- The raw positions, in the order taken.
CREATE TABLE patrol_fix (
  patrol_id  integer NOT NULL REFERENCES patrol (id) ON DELETE CASCADE,
  seq        integer NOT NULL,
  at         timestamptz NOT NULL,
  location   geometry(Point, 4326) NOT NULL,
  accuracy_m double precision CHECK (accuracy_m IS NULL OR (accuracy_m >= 0 AND accuracy_m <= 100000)),
  PRIMARY KEY (patrol_id, seq)
);

-- Time and distance of a patrol inside each zone it crossed (every kind: grid, street, segment,
-- frontage, community …), as resolved when the patrol was stopped or imported.
CREATE TABLE patrol_credit (
  patrol_id integer NOT NULL REFERENCES patrol (id) ON DELETE CASCADE,
  zone_id   integer NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  -- The zone's kind and code then, so a later re-zoning does not rewrite the record.
  zone_kind text NOT NULL,
  zone_code text,
  seconds   double precision NOT NULL CHECK (seconds >= 0),
  metres    double precision NOT NULL CHECK (metres >= 0),
  first_at  timestamptz NOT NULL,
  last_at   timestamptz NOT NULL,
  PRIMARY KEY (patrol_id, zone_id)
);
CREATE INDEX patrol_credit_zone_idx ON patrol_credit (zone_id);

-- A finding made on a patrol becomes a case (channel 'patrol') that remembers its patrol.
ALTER TABLE case_file ADD COLUMN patrol_id integer REFERENCES patrol (id) ON DELETE SET NULL;
CREATE INDEX case_file_patrol_idx ON case_file (patrol_id) WHERE patrol_id IS NOT NULL;

-- 五定 and 下沉六员: the staff fixed on a zone, their shift, duties and standards. A street's
-- staff sent by the six departments carry `department_kind`.
CREATE TABLE zone_staff (
  id              serial PRIMARY KEY,
  zone_id         integer NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  party_id        integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  role            text NOT NULL CHECK (role IN ('chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other')),
  -- 环卫 sanitation, 执法 enforcement, 交警 traffic, 食药 food_drug, 工商 market, 网格 grid.
  department_kind text CHECK (department_kind IS NULL OR department_kind IN
                    ('sanitation', 'enforcement', 'traffic', 'food_drug', 'market', 'grid')),
  -- Local times; a shift may not cross midnight (Lanzhou: 07:00–23:00 in three shifts).
  shift_label     text CHECK (shift_label IS NULL OR length(shift_label) <= 40),
  shift_start     time,
  shift_end       time,
  duties          text CHECK (duties IS NULL OR length(duties) <= 2000),
  standards       text CHECK (standards IS NULL OR length(standards) <= 2000),
  -- Printed on the signboard and the /r/ page (a city chooses whom it shows).
  shown_publicly  boolean NOT NULL DEFAULT false,
  valid_from      date NOT NULL DEFAULT CURRENT_DATE,
  valid_to        date,
  created_at      timestamptz NOT NULL DEFAULT now(),
  version         integer NOT NULL DEFAULT 1,
  CHECK ((shift_start IS NULL) = (shift_end IS NULL)),
  CHECK (shift_start IS NULL OR shift_end > shift_start),
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX zone_staff_zone_idx ON zone_staff (zone_id);
CREATE INDEX zone_staff_party_idx ON zone_staff (party_id);

-- How often each role must patrol a zone: per kind of zone, or for one zone (which overrides its
-- kind's row for that role). Leaders ≥ 4 a month, grid workers daily.
CREATE TABLE patrol_requirement (
  id        serial PRIMARY KEY,
  zone_kind text,
  zone_id   integer REFERENCES zone (id) ON DELETE CASCADE,
  role      text NOT NULL CHECK (role IN ('chief', 'grid_worker', 'leader', 'department', 'volunteer', 'other')),
  times     integer NOT NULL CHECK (times BETWEEN 1 AND 1000),
  per       text NOT NULL CHECK (per IN ('day', 'week', 'month')),
  version   integer NOT NULL DEFAULT 1,
  CHECK ((zone_kind IS NULL) <> (zone_id IS NULL))
);
CREATE UNIQUE INDEX patrol_requirement_kind_key ON patrol_requirement (zone_kind, role) WHERE zone_id IS NULL;
CREATE UNIQUE INDEX patrol_requirement_zone_key ON patrol_requirement (zone_id, role) WHERE zone_id IS NOT NULL;

INSERT INTO patrol_requirement (zone_kind, role, times, per) VALUES
  ('grid', 'grid_worker', 1, 'day'),
  ('grid', 'chief', 1, 'week'),
  ('street', 'chief', 1, 'week'),
  ('segment', 'chief', 2, 'week'),
  ('street', 'leader', 4, 'month');
