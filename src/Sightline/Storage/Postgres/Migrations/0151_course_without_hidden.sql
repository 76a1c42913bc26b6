-- A photo hidden by moderation is no neighbour of its sequence's direction of travel (docs/imagery.md, "Sequences"):
-- the courses of the visible photos of every sequence with a hidden photo, computed again as 0150 did but without the
-- hidden ones (courses before this version counted them). Numbered 0151, after 0150, to keep clear of other branches.
WITH hit AS (
    SELECT DISTINCT sequence_id FROM images WHERE state = 'done' AND hidden_at IS NOT NULL AND sequence_id IS NOT NULL
), ordered AS (
    SELECT id, ca, lat, lon,
           lead(lat) OVER w AS next_lat, lead(lon) OVER w AS next_lon, lag(lat) OVER w AS prev_lat, lag(lon) OVER w AS prev_lon
    FROM images WHERE state = 'done' AND hidden_at IS NULL AND sequence_id IN (SELECT sequence_id FROM hit)
    WINDOW w AS (PARTITION BY sequence_id ORDER BY captured_at, id)
), legs AS (
    SELECT id,
           CASE WHEN next_lat IS NOT NULL THEN lat ELSE prev_lat END AS lat1,
           CASE WHEN next_lat IS NOT NULL THEN lon ELSE prev_lon END AS lon1,
           CASE WHEN next_lat IS NOT NULL THEN next_lat ELSE lat END AS lat2,
           CASE WHEN next_lat IS NOT NULL THEN next_lon ELSE lon END AS lon2
    FROM ordered
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
