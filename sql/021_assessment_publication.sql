-- What a district publishes of its assessment on the public page /p/rankings (issue 11, item 4;
-- docs/reports.md): whether the page is on, which unit kinds are ranked there, the indicator each
-- ranking is sorted by, and the indicators shown beside the names. One row: the deployment is one
-- district's. People are never ranked in public (their names and scores are personal data), so
-- `person` is not a unit the page may show.
CREATE TABLE assessment_publication (
  id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  enabled     boolean NOT NULL DEFAULT false,
  units       text[] NOT NULL DEFAULT ARRAY['grid']::text[]
              CHECK (units <@ ARRAY['grid', 'street', 'community', 'subdistrict', 'department']::text[] AND cardinality(units) BETWEEN 1 AND 5),
  sort        text NOT NULL DEFAULT 'score',
  indicators  text[] NOT NULL DEFAULT ARRAY['score', 'on_time_rate', 'patrols']::text[]
              CHECK (cardinality(indicators) BETWEEN 1 AND 13),
  -- The heading's 「XX街道」; NULL: the name of the zone at the top of the tree.
  title_name  text CHECK (title_name IS NULL OR length(title_name) BETWEEN 1 AND 60),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  version     integer NOT NULL DEFAULT 1
);
INSERT INTO assessment_publication (id) VALUES (1);
