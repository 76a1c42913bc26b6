-- The camera that took each photo, as its EXIF says at upload (issue 12): STAC's pers:interior_orientation serves them.
-- NULL when the EXIF has no such tag; focal lengths in millimetres (focal_length_35mm: the 35 mm film equivalent).
ALTER TABLE images ADD COLUMN camera_make TEXT;
ALTER TABLE images ADD COLUMN camera_model TEXT;
ALTER TABLE images ADD COLUMN focal_length REAL;
ALTER TABLE images ADD COLUMN focal_length_35mm REAL;
