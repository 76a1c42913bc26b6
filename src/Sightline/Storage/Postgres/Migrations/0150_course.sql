-- Spec §1.4: ca is a number, never null. A photo whose camera gave no direction (no EXIF GPSImgDirection, no ca on
-- upload) shows its sequence's direction of travel instead, as Mapillary did: its course, the bearing to the next
-- photo of its sequence (the last one: from the previous one; a lone photo: 0). Sequence assembly keeps it current
-- (Sequences/TravelDirection.cs); readers show coalesce(ca, course). Numbered 0150 so that it cannot clash with a
-- number another branch takes.
ALTER TABLE images ADD COLUMN course double precision;

-- The search index (and the tiles, STAC and caches built on it) hear about courses through the change log.
DROP TRIGGER search_images_update ON images;
CREATE TRIGGER search_images_update
    AFTER UPDATE OF key, user_id, sequence_id, state, lat, lon, ca, course, captured_at, project_id, hidden_at ON images
    FOR EACH ROW EXECUTE FUNCTION search_images_changed();

-- The photos already in sequences without an angle of their own: the same bearing as Geodesy.BearingDegrees, rounded
-- to a tenth of a degree (TravelDirection). Photos with their own angle get theirs when a neighbour changes.
WITH ordered AS (
    SELECT id, ca, lat, lon,
           lead(lat) OVER w AS next_lat, lead(lon) OVER w AS next_lon, lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon
    FROM images WHERE state = 'done' AND sequence_id IS NOT NULL
    WINDOW w AS (PARTITION BY sequence_id ORDER BY captured_at, id)
), legs AS (
    SELECT id,
           CASE WHEN next_lat IS NOT NULL THEN lat ELSE prev_lat END AS lat1,
           CASE WHEN next_lat IS NOT NULL THEN lon ELSE prev_lon END AS lon1,
           CASE WHEN next_lat IS NOT NULL THEN next_lat ELSE lat END AS lat2,
           CASE WHEN next_lat IS NOT NULL THEN next_lon ELSE lon END AS lon2
    FROM ordered WHERE ca IS NULL
), bearings AS (
    SELECT id, CASE WHEN lat1 IS NULL THEN 0 ELSE degrees(atan2(
               sin(radians(lon2 - lon1)) * cos(radians(lat2)),
               cos(radians(lat1)) * sin(radians(lat2)) - sin(radians(lat1)) * cos(radians(lat2)) * cos(radians(lon2 - lon1)))) END AS b
    FROM legs
), rounded AS (
    SELECT id, round((b + 360 - 360 * floor((b + 360) / 360))::numeric, 1)::double precision AS course FROM bearings
)
UPDATE images SET course = CASE WHEN rounded.course >= 360 THEN 0 ELSE rounded.course END
FROM rounded WHERE images.id = rounded.id;
