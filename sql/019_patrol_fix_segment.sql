-- A GPX track comes in segments (trkseg): the tracking app ended one and began another because
-- it lost its fix or was paused. The step from the last fix of one segment to the first of the
-- next is not a walk, whatever its length, so the credit (docs/patrols.md) forms legs only
-- between fixes of the same segment. A phone's patrol is one segment (0).
ALTER TABLE patrol_fix ADD COLUMN segment integer NOT NULL DEFAULT 0 CHECK (segment >= 0);
-- A re-sent batch is recognised by its fixes' times (server/patrols/patrols.service.ts).
CREATE INDEX patrol_fix_at_idx ON patrol_fix (patrol_id, at);
