-- A photo link given with a case by another system (Open311 GeoReport v2 `media_url`): stored as
-- sent, shown back on the request. Jiezhang does not fetch it; its own photos are in case_photo.
ALTER TABLE case_file ADD COLUMN media_url text
  CHECK (media_url IS NULL OR (length(media_url) <= 1000 AND media_url ~ '^https?://'));

-- The deadline sweep runs every minute: its "warning due" half reads only the cases on the clock
-- not yet warned, not every open case (npm run bench:sweep). The predicate is the sweep's own.
CREATE INDEX case_file_warn_pending_idx ON case_file (warn_at)
  WHERE warned_at IS NULL AND state IN ('dispatched', 'accepted');
