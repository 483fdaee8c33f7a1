-- The zone kinds as a table, so that the database's rules follow the same rows as
-- server/kernel/zone-kinds.ts (tests/api/zone-kind-table.test.ts checks that they agree).
-- Adding a kind is a row here (in a new migration) and a row in the module.
-- Must run on PostGIS 3.3 (Debian 12) and on the embedded PostGIS 3.6 (PGlite).

CREATE TABLE zone_kind (
  kind        text PRIMARY KEY CHECK (kind ~ '^[a-z][a-z_]*$'),
  -- 'line': a centre line plus a width owns the area within half the width; 'area': a polygon.
  geometry    text NOT NULL CHECK (geometry IN ('area', 'line')),
  -- 'jurisdiction': the administrative tree, which only falls back; 'owner': owns what it covers.
  family      text NOT NULL CHECK (family IN ('jurisdiction', 'owner')),
  -- Place in a resolution chain, 0 the most specific.
  chain_order integer NOT NULL UNIQUE CHECK (chain_order >= 0)
);

INSERT INTO zone_kind (kind, geometry, family, chain_order) VALUES
  ('district',    'area', 'jurisdiction', 6),
  ('subdistrict', 'area', 'jurisdiction', 5),
  ('community',   'area', 'jurisdiction', 4),
  ('grid',        'area', 'owner',        3),
  ('street',      'line', 'owner',        2),
  ('segment',     'line', 'owner',        1),
  ('frontage',    'area', 'owner',        0);

-- The lists of kinds written into 001 and 002 give way to foreign keys. The names are the ones
-- PostgreSQL gave the unnamed constraints (read from pg_constraint on both backends).
ALTER TABLE zone DROP CONSTRAINT zone_kind_check;
ALTER TABLE zone ADD CONSTRAINT zone_kind_fkey FOREIGN KEY (kind) REFERENCES zone_kind (kind);
ALTER TABLE duty_text DROP CONSTRAINT duty_text_kind_check;
ALTER TABLE duty_text ADD CONSTRAINT duty_text_kind_fkey FOREIGN KEY (kind) REFERENCES zone_kind (kind);

-- A zone has a centre line and a width exactly when its kind is a line kind. A CHECK cannot
-- read another table, so a trigger does, raising the same error class (check_violation) the
-- CHECKs it replaces raised. It is named to fire before zone_derive_area (triggers of one
-- event fire in name order), so that a wrong row is refused before its area is derived.
ALTER TABLE zone DROP CONSTRAINT zone_check;
ALTER TABLE zone DROP CONSTRAINT zone_check1;

CREATE FUNCTION zone_check_geometry() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  is_line boolean;
BEGIN
  SELECT geometry = 'line' INTO is_line FROM zone_kind WHERE kind = NEW.kind;
  -- An unknown kind is left to the foreign key, which names it.
  IF is_line IS NOT NULL AND (is_line <> (NEW.centerline IS NOT NULL) OR is_line <> (NEW.width_m IS NOT NULL)) THEN
    RAISE EXCEPTION USING
      ERRCODE = 'check_violation',
      CONSTRAINT = 'zone_line_geometry',
      TABLE = 'zone',
      MESSAGE = format('a %s zone %s a centre line and a width', NEW.kind, CASE WHEN is_line THEN 'needs' ELSE 'has no' END);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER zone_check_geometry BEFORE INSERT OR UPDATE OF kind, centerline, width_m ON zone
  FOR EACH ROW EXECUTE FUNCTION zone_check_geometry();
