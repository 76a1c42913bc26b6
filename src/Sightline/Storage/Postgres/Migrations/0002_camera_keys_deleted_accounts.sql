-- What the embedded schema gained in SQLite migrations 0021, 0110 and 0113 (issues 12, 10 and 13), in one step.
-- The camera that took each photo, as its EXIF says at upload (STAC's pers:interior_orientation); focal lengths in mm.
ALTER TABLE images ADD COLUMN camera_make text;
ALTER TABLE images ADD COLUMN camera_model text;
ALTER TABLE images ADD COLUMN focal_length double precision;
ALTER TABLE images ADD COLUMN focal_length_35mm double precision;

-- ASP.NET Data Protection's key ring (sign-in cookies, CSRF tokens), shared by every node on this database.
CREATE TABLE data_protection_keys (
    name text PRIMARY KEY,
    xml  text NOT NULL
);

-- A deleted account keeps its row, emptied, so that the comments it wrote stay, shown as by "deleted user".
ALTER TABLE users ADD COLUMN deleted_at bigint;
