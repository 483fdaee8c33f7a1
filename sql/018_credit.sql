-- 门前三包 credit (商户信用), DESIGN.md §11 and docs/credit.md: each frontage's merchant carries a
-- record of the cases on their strip, inspections, red and yellow cards (by configurable rules or
-- by hand) and points (积分) with their history, as Zhoutou (汉阳 洲头街) and Shijingshan run them.

-- The rules come in versioned sets: a change writes a new set, the old ones stay, and every card
-- and points entry a rule gave names the rule row (of its version) that gave it.
CREATE TABLE credit_rule_set (
  version          integer PRIMARY KEY CHECK (version >= 1),
  -- The balance of a merchant before any entry of the ledger (a 100-point start is common).
  initial_points   integer NOT NULL DEFAULT 100 CHECK (initial_points BETWEEN -100000 AND 100000),
  note             text CHECK (note IS NULL OR length(note) <= 500),
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       integer REFERENCES account (id) ON DELETE SET NULL,
  created_by_login text
);

-- One rule: when `count` facts of the trigger kind fall on one merchant's frontage within
-- `window_days` (facts at or after `effective_from`, none used before by a firing of the same
-- rule key), give the card and/or the points.
--   case              a case on the strip (routed to the merchant at intake, filed)
--   overdue_case      a case on the strip not closed by its due time
--   failed_inspection an inspection failed;  passed_inspection an inspection passed
--   quiet_month       a calendar month (Beijing time) held whole with no case on the strip
--   yellow_card       a yellow card (not revoked) on the frontage
CREATE TABLE credit_rule (
  id               serial PRIMARY KEY,
  rule_set_version integer NOT NULL REFERENCES credit_rule_set (version) ON DELETE CASCADE,
  -- Stable across versions: what a fact was used by (a rule changed keeps its key).
  key              text NOT NULL CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  trigger          text NOT NULL CHECK (trigger IN
                     ('case', 'overdue_case', 'failed_inspection', 'passed_inspection', 'quiet_month', 'yellow_card')),
  count            integer NOT NULL DEFAULT 1 CHECK (count BETWEEN 1 AND 1000),
  window_days      integer CHECK (window_days IS NULL OR window_days BETWEEN 1 AND 3660),
  card             text CHECK (card IS NULL OR card IN ('yellow', 'red')),
  -- How long a card of this rule stays in force; NULL: until revoked.
  card_days        integer CHECK (card_days IS NULL OR card_days BETWEEN 1 AND 3660),
  points           integer CHECK (points IS NULL OR (points <> 0 AND points BETWEEN -1000 AND 1000)),
  effective_from   timestamptz NOT NULL,
  enabled          boolean NOT NULL DEFAULT true,
  UNIQUE (rule_set_version, key),
  CHECK (card IS NOT NULL OR points IS NOT NULL),
  CHECK (count = 1 OR window_days IS NOT NULL),
  CHECK (card IS NOT NULL OR card_days IS NULL),
  CHECK (card IS NULL OR trigger NOT IN ('quiet_month', 'passed_inspection'))
);

-- Red and yellow cards, by a rule or by hand. The frontage's code is kept, so that a card outlives
-- a re-zoning of its strip.
CREATE TABLE credit_card (
  id               serial PRIMARY KEY,
  party_id         integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  zone_id          integer REFERENCES zone (id) ON DELETE SET NULL,
  zone_code        text NOT NULL,
  colour           text NOT NULL CHECK (colour IN ('yellow', 'red')),
  reason           text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  source           text NOT NULL CHECK (source IN ('rule', 'hand')),
  rule_id          integer REFERENCES credit_rule (id) ON DELETE SET NULL,
  rule_key         text,
  given_by         integer REFERENCES account (id) ON DELETE SET NULL,
  given_by_login   text,
  given_at         timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz,
  revoked_at       timestamptz,
  revoked_reason   text CHECK (revoked_reason IS NULL OR length(revoked_reason) BETWEEN 1 AND 500),
  revoked_by       integer REFERENCES account (id) ON DELETE SET NULL,
  revoked_by_login text,
  version          integer NOT NULL DEFAULT 1,
  CHECK ((source = 'rule') = (rule_key IS NOT NULL)),
  CHECK (source = 'rule' OR given_by_login IS NOT NULL),
  CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL)),
  CHECK (expires_at IS NULL OR expires_at > given_at)
);
CREATE INDEX credit_card_party_idx ON credit_card (party_id, given_at);
CREATE INDEX credit_card_zone_idx ON credit_card (zone_id);

-- Inspections (检查) of a frontage: passed or failed, with the findings.
CREATE TABLE credit_inspection (
  id                   serial PRIMARY KEY,
  party_id             integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  zone_id              integer REFERENCES zone (id) ON DELETE SET NULL,
  zone_code            text NOT NULL,
  at                   timestamptz NOT NULL,
  passed               boolean NOT NULL,
  findings             text CHECK (findings IS NULL OR length(findings) <= 2000),
  inspector_account_id integer REFERENCES account (id) ON DELETE SET NULL,
  inspector_login      text NOT NULL,
  inspector_name       text,
  created_at           timestamptz NOT NULL DEFAULT now(),
  CHECK (passed OR findings IS NOT NULL)
);
CREATE INDEX credit_inspection_party_idx ON credit_inspection (party_id, at);
CREATE INDEX credit_inspection_zone_idx ON credit_inspection (zone_id, at);

-- The points ledger: append-only; each entry carries the balance after it, so the history reads
-- as a bank statement and the balance is the last entry's.
CREATE TABLE credit_points (
  id             bigserial PRIMARY KEY,
  party_id       integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  zone_id        integer REFERENCES zone (id) ON DELETE SET NULL,
  zone_code      text,
  delta          integer NOT NULL CHECK (delta <> 0 AND delta BETWEEN -1000 AND 1000),
  balance_after  integer NOT NULL,
  reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  source         text NOT NULL CHECK (source IN ('rule', 'hand', 'inspection')),
  rule_id        integer REFERENCES credit_rule (id) ON DELETE SET NULL,
  rule_key       text,
  inspection_id  integer REFERENCES credit_inspection (id) ON DELETE SET NULL,
  at             timestamptz NOT NULL DEFAULT now(),
  by_account_id  integer REFERENCES account (id) ON DELETE SET NULL,
  by_login       text,
  CHECK ((source = 'rule') = (rule_key IS NOT NULL))
);
CREATE INDEX credit_points_party_idx ON credit_points (party_id, id);

CREATE FUNCTION credit_points_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_points is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER credit_points_append_only BEFORE UPDATE ON credit_points
  FOR EACH ROW EXECUTE FUNCTION credit_points_append_only();

-- Each time a rule fired, and the facts it used. A fact is used at most once per rule key and
-- merchant (the primary key), so an evaluation run again, or by two processes, gives nothing twice.
CREATE TABLE credit_rule_firing (
  id        serial PRIMARY KEY,
  rule_id   integer REFERENCES credit_rule (id) ON DELETE SET NULL,
  rule_key  text NOT NULL,
  party_id  integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  zone_id   integer REFERENCES zone (id) ON DELETE SET NULL,
  facts     text[] NOT NULL,
  card_id   integer REFERENCES credit_card (id) ON DELETE SET NULL,
  points_id bigint REFERENCES credit_points (id) ON DELETE SET NULL,
  at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE credit_rule_fact (
  rule_key  text NOT NULL,
  party_id  integer NOT NULL REFERENCES party (id) ON DELETE CASCADE,
  -- case:12, inspection:3, card:7, month:2026-10@55 (the month and the frontage's zone id)
  fact      text NOT NULL,
  firing_id integer NOT NULL REFERENCES credit_rule_firing (id) ON DELETE CASCADE,
  PRIMARY KEY (rule_key, party_id, fact)
);

-- The first rule set: the examples of Zhoutou and Shijingshan, in force from the migration on.
INSERT INTO credit_rule_set (version, initial_points, note) VALUES (1, 100, '初始规则（洲头街红黄牌、石景山商户信用示例）');
INSERT INTO credit_rule (rule_set_version, key, name, trigger, count, window_days, card, card_days, points, effective_from) VALUES
  (1, 'cases-yellow', '90天内门前案件3件 → 黄牌', 'case', 3, 90, 'yellow', 180, -5, now()),
  (1, 'yellows-red', '180天内2张黄牌 → 红牌', 'yellow_card', 2, 180, 'red', 365, -10, now()),
  (1, 'inspection-failed', '检查不合格 → 扣5分', 'failed_inspection', 1, NULL, NULL, NULL, -5, now()),
  (1, 'case-overdue', '门前案件未按期办结 → 扣2分', 'overdue_case', 1, NULL, NULL, NULL, -2, now()),
  (1, 'quiet-month', '整月无案件 → 加1分', 'quiet_month', 1, NULL, NULL, NULL, 1, now());
