-- Jiezhang schema, first version. Frozen once landed: changes go in a new numbered file.
-- Must run on PostGIS 3.3 (Debian 12) and on the embedded PostGIS 3.6 (PGlite).

CREATE EXTENSION IF NOT EXISTS postgis;

-- Every area of responsibility is a zone: jurisdictions (district, subdistrict, community),
-- unit grids, streets, segments and 门前三包 frontages.
CREATE TABLE zone (
  id           serial PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN
                 ('district', 'subdistrict', 'community', 'grid', 'street', 'segment', 'frontage')),
  code         text NOT NULL CHECK (length(code) BETWEEN 1 AND 64),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_id    integer REFERENCES zone (id) ON DELETE RESTRICT,
  street_class text,
  -- Lines (streets, segments) own the area within width_m / 2 of their centre line.
  width_m      double precision CHECK (width_m > 0 AND width_m <= 200),
  centerline   geometry(Geometry, 4326),
  area         geometry(MultiPolygon, 4326) NOT NULL,
  version      integer NOT NULL DEFAULT 1,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, code),
  CHECK ((kind IN ('street', 'segment')) = (centerline IS NOT NULL)),
  CHECK ((kind IN ('street', 'segment')) = (width_m IS NOT NULL)),
  CHECK (centerline IS NULL OR GeometryType(centerline) IN ('LINESTRING', 'MULTILINESTRING')),
  CHECK (ST_IsValid(area) AND NOT ST_IsEmpty(area)),
  CHECK (ST_XMin(area) >= -180 AND ST_XMax(area) <= 180 AND ST_YMin(area) >= -90 AND ST_YMax(area) <= 90)
);
CREATE INDEX zone_area_gist ON zone USING gist (area);
CREATE INDEX zone_parent_idx ON zone (parent_id);

-- The area a line owns is derived from its centre line and width, never written by hand.
CREATE FUNCTION zone_derive_area() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.centerline IS NOT NULL THEN
    NEW.area := ST_Multi(ST_CollectionExtract(ST_MakeValid(
      ST_Buffer(ST_LineMerge(NEW.centerline)::geography, NEW.width_m / 2, 'endcap=flat join=round')::geometry), 3));
  END IF;
  NEW.updated_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER zone_derive_area BEFORE INSERT OR UPDATE ON zone
  FOR EACH ROW EXECUTE FUNCTION zone_derive_area();

-- Zones cut into small pieces so that point-in-zone tests stay fast on large polygons.
CREATE TABLE zone_part (
  zone_id integer NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  geom    geometry(Polygon, 4326) NOT NULL
);
CREATE INDEX zone_part_geom_gist ON zone_part USING gist (geom);
CREATE INDEX zone_part_zone_idx ON zone_part (zone_id);

CREATE FUNCTION zone_sync_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF ST_AsBinary(OLD.area) = ST_AsBinary(NEW.area) THEN
      RETURN NEW;
    END IF;
    DELETE FROM zone_part WHERE zone_id = NEW.id;
  END IF;
  INSERT INTO zone_part (zone_id, geom)
    SELECT NEW.id, (ST_Dump(ST_Subdivide(NEW.area, 64))).geom;
  RETURN NEW;
END $$;
CREATE TRIGGER zone_sync_parts AFTER INSERT OR UPDATE ON zone
  FOR EACH ROW EXECUTE FUNCTION zone_sync_parts();

-- People and organisations that answer for zones.
CREATE TABLE party (
  id      serial PRIMARY KEY,
  type    text NOT NULL CHECK (type IN ('chief', 'department', 'merchant', 'fallback')),
  name    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  phone   text CHECK (phone IS NULL OR length(phone) <= 40),
  title   text CHECK (title IS NULL OR length(title) <= 200),
  role    text CHECK (role IS NULL OR length(role) <= 40),
  version integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX party_department_name_key ON party (name) WHERE type = 'department';
CREATE INDEX party_type_name_idx ON party (type, name);

-- Who answers for a zone, and when. `duty` is the slot the party fills on the zone.
-- An open interval (valid_to NULL) is the current holder; history is kept, never overwritten.
CREATE TABLE assignment (
  id         serial PRIMARY KEY,
  zone_id    integer NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  party_id   integer NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
  duty       text NOT NULL CHECK (duty IN ('chief', 'department', 'merchant', 'fallback')),
  valid_from timestamptz NOT NULL DEFAULT now(),
  valid_to   timestamptz,
  version    integer NOT NULL DEFAULT 1,
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX assignment_zone_idx ON assignment (zone_id, duty, valid_from);
CREATE INDEX assignment_party_idx ON assignment (party_id);

-- Kinds of problem, and which department handles each at a zone (inherited downwards).
CREATE TABLE category (
  id   serial PRIMARY KEY,
  name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100)
);

CREATE TABLE category_route (
  zone_id       integer NOT NULL REFERENCES zone (id) ON DELETE CASCADE,
  category_id   integer NOT NULL REFERENCES category (id) ON DELETE CASCADE,
  department_id integer NOT NULL REFERENCES party (id) ON DELETE RESTRICT,
  PRIMARY KEY (zone_id, category_id)
);
