-- KNN in PostGIS's best form: the GiST index returns rows in distance order (<->), the box
-- (ST_Expand of the point by 100 m in degrees) bounds the search like Sightline's radius.
\set i random(1, :npoints)
SELECT id, captured_at, ST_X(geom), ST_Y(geom)
FROM images
WHERE geom && (SELECT ST_Expand(g, dlon100, dlat100) FROM qpoints WHERE id = :i)
ORDER BY geom <-> (SELECT g FROM qpoints WHERE id = :i)
LIMIT 20;
