-- Object recognition: traffic-sign detections per image and package, and which packages have run on which image.
CREATE TABLE detections (
    id         INTEGER PRIMARY KEY,
    image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    package    TEXT    NOT NULL,          -- e.g. trafficsign_eu_6.0
    type       TEXT    NOT NULL,          -- class name, opaque (spec §5 item 30)
    score      TEXT    NOT NULL,          -- decimal as the detector sent it (spec §1.4: a string, not bounded to 0-1)
    score_value REAL   NOT NULL,          -- the same, as a number, for min_score comparisons
    x_min      REAL    NOT NULL,
    y_min      REAL    NOT NULL,
    x_max      REAL    NOT NULL,
    y_max      REAL    NOT NULL
);
CREATE INDEX detections_image ON detections(image_id, package);
CREATE INDEX detections_type ON detections(type);

CREATE TABLE detection_runs (
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    package  TEXT    NOT NULL,
    ran_at   INTEGER NOT NULL,
    PRIMARY KEY (image_id, package)
);
