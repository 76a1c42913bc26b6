-- A profile's histogram counts a user's processed, visible, public photos per day of upload: in this index they lie
-- in upload order, instead of one heap row read per photo through images_user_time.
CREATE INDEX images_upload_days ON images (user_id, created_at) WHERE state = 'done' AND hidden_at IS NULL AND project_id IS NULL;
