\set n random(1, :ntiles)
SELECT ST_AsMVT(q, 'mapillary-sequences', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(s.geom, t.env, 4096, 64, true) AS geom, s.username, 'mapillary-sequences' AS layer,
         s.keys, s.cas, s.key, s.captured_at::text AS captured_at
  FROM tiles t JOIN sequences s ON s.geom && t.buffered
  WHERE t.id = :n
  ORDER BY s.order_at DESC, s.key LIMIT 2000) q;
