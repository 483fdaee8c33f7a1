-- The audit trail records the route a request matched (`/api/zones/:id`) beside the URL it
-- actually asked for (`path`, `/api/zones/17?audit=1`), so every event of one kind of write can be
-- found, including writes to routes the action table does not yet name (`request.post`).
-- History of one zone reads by (object_type, object_id): the index of 005 serves it.
ALTER TABLE audit_event ADD COLUMN route text;
