-- An image hidden by an upheld complaint (0006) must leave the search index (0005) too: its change log
-- now also hears about hidden_at.
DROP TRIGGER search_images_update;
CREATE TRIGGER search_images_update
AFTER UPDATE OF key, user_id, sequence_id, state, lat, lon, ca, captured_at, project_id, hidden_at ON images
BEGIN
    INSERT INTO search_changes (image_id) VALUES (new.id);
END;
INSERT INTO search_changes (image_id) SELECT id FROM images WHERE hidden_at IS NOT NULL;
