-- Community: a user has one open complaint per image (docs/community.md). The single writer kept that rule with a look
-- before the insert; the index states it as PostgreSQL's migration 0192 does (where the look let several through at once),
-- and the store answers its violation as before (parameter_invalid naming key). Duplicates filed before it (a user's later
-- open complaints about one image) are closed as dismissed by no moderator, so that the index can be made; the earliest
-- stays open.
UPDATE complaints SET state = 'dismissed', resolved_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000
WHERE state = 'open' AND user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM complaints o
    WHERE o.user_id = complaints.user_id AND o.image_id = complaints.image_id AND o.state = 'open'
      AND (o.created_at < complaints.created_at OR (o.created_at = complaints.created_at AND o.id < complaints.id)));
CREATE UNIQUE INDEX complaints_one_open_per_user ON complaints(user_id, image_id) WHERE state = 'open' AND user_id IS NOT NULL;
