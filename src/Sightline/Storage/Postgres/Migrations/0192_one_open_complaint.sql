-- Community: a user has one open complaint per image (docs/community.md). A look before the insert let several through
-- when one client sent the same complaint several times at once (no single writer here); this index makes the rule hold
-- whatever the timing, and the store answers its violation as before (parameter_invalid naming key). Duplicates filed
-- before it (a user's later open complaints about one image) are closed as dismissed by no moderator, so that the index
-- can be made on an existing database; the earliest stays open.
UPDATE complaints c SET state = 'dismissed', resolved_at = (extract(epoch FROM now()) * 1000)::bigint
WHERE c.state = 'open' AND c.user_id IS NOT NULL AND EXISTS (
    SELECT 1 FROM complaints o
    WHERE o.user_id = c.user_id AND o.image_id = c.image_id AND o.state = 'open'
      AND (o.created_at < c.created_at OR (o.created_at = c.created_at AND o.id < c.id)));
CREATE UNIQUE INDEX complaints_one_open_per_user ON complaints(user_id, image_id) WHERE state = 'open' AND user_id IS NOT NULL;
