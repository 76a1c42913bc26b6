-- Search: a change log of the images that search may need to look at again. The search index lives
-- in memory (and in a snapshot file); it catches up from this log instead of rescanning the table.
CREATE TABLE search_changes (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    image_id INTEGER NOT NULL
);

-- Images are inserted as 'received' and become searchable only when processed, so inserts of
-- anything else need no entry.
CREATE TRIGGER search_images_insert AFTER INSERT ON images WHEN new.state = 'done'
BEGIN
    INSERT INTO search_changes (image_id) VALUES (new.id);
END;

CREATE TRIGGER search_images_update
AFTER UPDATE OF key, user_id, sequence_id, state, lat, lon, ca, captured_at, project_id ON images
BEGIN
    INSERT INTO search_changes (image_id) VALUES (new.id);
END;

CREATE TRIGGER search_images_delete AFTER DELETE ON images
BEGIN
    INSERT INTO search_changes (image_id) VALUES (old.id);
END;

-- The processing queue puts back images left 'processing' by a crash when the server starts; with an
-- archive of millions of images that statement scanned the whole table on every start. This index
-- holds only such images, so it stays empty in normal operation.
CREATE INDEX images_processing ON images(id) WHERE state = 'processing';
