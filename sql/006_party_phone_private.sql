-- A phone its owner (or the office) marked private: shown unmasked only to callers with
-- parties.contact in a scope covering the party's zones; masked everywhere else (docs/permissions.md).
ALTER TABLE party ADD COLUMN phone_private boolean NOT NULL DEFAULT false;
