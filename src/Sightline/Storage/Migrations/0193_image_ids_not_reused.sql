-- Imagery: an image's id is never given to another image. SQLite gives a new row the largest id in the table plus one, so
-- the id of the newest image, once deleted, went to the next upload; work still holding the old id (a worker finishing the
-- deleted photo's job) then wrote to the new image: 18 of 600 re-uploads racing the deletion of their bytes' last upload
-- were marked done with no thumbnails of their own, or never processed (the job's id was reused too: see SqliteJobQueue).
-- PostgreSQL's identity columns never reuse a value.
-- AUTOINCREMENT would need the table rebuilt under its foreign keys; instead the highest id deleted is kept here and
-- SqliteUploadStore numbers new images past it.
CREATE TABLE deleted_ids (
    name TEXT PRIMARY KEY,
    high INTEGER NOT NULL
);
CREATE TRIGGER images_deleted_id AFTER DELETE ON images
WHEN old.id > coalesce((SELECT max(id) FROM images), 0)
BEGIN
    INSERT INTO deleted_ids (name, high) VALUES ('images', old.id)
    ON CONFLICT (name) DO UPDATE SET high = max(high, excluded.high);
END;
