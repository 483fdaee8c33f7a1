-- The security policy's version (optimistic concurrency, as for zones and accounts): the policy
-- screen sends the version it read, and a PUT over a newer one is refused with 409.
ALTER TABLE security_policy ADD COLUMN version integer NOT NULL DEFAULT 1;
