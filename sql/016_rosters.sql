-- Rosters (docs/rosters.md): whether a city prints the publicly shown staff of a zone (zone_staff,
-- sql/015) on its signboards. The /r/{code} page always lists them; the printed board only where
-- the city wants it: per district (any jurisdiction: the switch covers every zone under it), per
-- kind of zone, or both. The most specific row wins: (jurisdiction, kind), then (jurisdiction,
-- any kind), then (any jurisdiction, kind); with none, the board does not list the staff.
CREATE TABLE staff_on_signboard (
  id              serial PRIMARY KEY,
  jurisdiction_id integer REFERENCES zone (id) ON DELETE CASCADE,
  zone_kind       text REFERENCES zone_kind (kind),
  shown           boolean NOT NULL,
  version         integer NOT NULL DEFAULT 1,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_on_signboard_key ON staff_on_signboard (coalesce(jurisdiction_id, 0), coalesce(zone_kind, ''));

-- The staff of a zone and a day, and a person's rows on a zone (the overlap check), are read often.
CREATE INDEX zone_staff_zone_party_idx ON zone_staff (zone_id, party_id);
