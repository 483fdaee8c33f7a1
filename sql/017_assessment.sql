-- Assessment (考核, DESIGN.md §11, docs/assessment.md): the district's rules (考核办法) — one
-- current row, changed with an optimistic version — and the indexes the indicators' aggregate
-- queries read a month of a city's cases by.

CREATE TABLE assessment_rules (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  -- {"indicators": {"on_time_rate": {"weight": 30, "threshold": 0.7, "floor": 0.4}, …},
  --  "exclude_parked_from_due": true, "patrol_min_metres": 100, "patrol_min_minutes": 5,
  --  "patrol_channels": ["patrol"], "public_channels": ["qr", "hotline", "open311"]}
  -- Checked by server/assessment/rules.ts; an empty object means the shipped defaults.
  rules      jsonb NOT NULL DEFAULT '{}',
  version    integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO assessment_rules DEFAULT VALUES;

-- Cases falling due, handled and closed in a period (the created_at index exists since 009).
CREATE INDEX case_file_due_at_idx ON case_file (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX case_file_handled_at_idx ON case_file (handled_at) WHERE handled_at IS NOT NULL;
CREATE INDEX case_file_closed_at_idx ON case_file (closed_at) WHERE closed_at IS NOT NULL;
-- "Ever filed / dispatched / parked": one probe per case and action.
CREATE INDEX case_event_case_action_idx ON case_event (case_id, action);
-- Done patrols of a period.
CREATE INDEX patrol_done_started_idx ON patrol (started_at) WHERE state = 'done';
