#!/usr/bin/env python3
"""Reads a Sightline data folder's SQLite database and writes, for PostGIS: sequences.csv (one public sequence per
line, with the tile's properties and its line as WKT in WGS84) and tiles.csv (z14 tiles of the sampled query points,
so the list is weighted by image density). Usage: export.py DATA_DIR OUT_DIR [ZOOM]"""
import csv, json, math, sqlite3, sys

data, out = sys.argv[1], sys.argv[2]
zoom = int(sys.argv[3]) if len(sys.argv) > 3 else 14
db = sqlite3.connect(f"file:{data}/sightline.db?mode=ro", uri=True)
users = dict(db.execute("SELECT id, username FROM users"))
order = dict(db.execute("SELECT sequence_id, min(captured_at) FROM images WHERE state = 'done' AND sequence_id IS NOT NULL GROUP BY sequence_id"))
keys = dict(db.execute("SELECT id, key FROM sequences WHERE project_id IS NULL"))
rows = db.execute("""SELECT sequence_id, user_id, lon, lat, key, ca, captured_at FROM images
                     WHERE state = 'done' AND hidden_at IS NULL AND project_id IS NULL AND sequence_id IS NOT NULL
                     ORDER BY sequence_id, captured_at, id""")
with open(f"{out}/sequences.csv", "w", newline="") as f:
    w = csv.writer(f)
    def flush(seq, members):
        pts = [(m[2], m[3]) for m in members]
        if len(pts) == 1:
            pts.append(pts[0])
        w.writerow([keys[seq], users[members[0][1]], min(m[6] for m in members), order[seq],
                    json.dumps([m[4] for m in members], separators=(",", ":")),
                    json.dumps([m[5] for m in members], separators=(",", ":")),
                    "LINESTRING(" + ",".join(f"{x!r} {y!r}" for x, y in pts) + ")"])
    current, members = None, []
    for r in rows:
        if r[0] != current and members:
            flush(current, members)
            members = []
        current = r[0]
        members.append(r)
    if members:
        flush(current, members)

n = 1 << zoom
with open(f"{data}/bench-points.csv") as points, open(f"{out}/tiles.csv", "w") as tiles:
    for line in points:
        lat, lon = map(float, line.split(","))
        x = int((lon + 180) / 360 * n)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
        tiles.write(f"{zoom},{x},{y}\n")
