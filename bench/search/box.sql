-- A box about 500 m wide through the GiST index, newest first.
\set i random(1, :npoints)
SELECT id, captured_at, ST_X(geom), ST_Y(geom)
FROM images
WHERE geom && (SELECT ST_Expand(g, dlon250, dlat250) FROM qpoints WHERE id = :i)
ORDER BY captured_at DESC
LIMIT 20;
