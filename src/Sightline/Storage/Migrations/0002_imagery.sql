-- Imagery: sequences, images, the uploads that made them, and the durable job queue for derivatives.
CREATE TABLE sequences (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL              -- epoch ms
);
CREATE INDEX sequences_user ON sequences(user_id);

CREATE TABLE images (
    id           INTEGER PRIMARY KEY,
    key          TEXT    NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    sequence_id  INTEGER REFERENCES sequences(id),  -- set when processing is done
    state        TEXT    NOT NULL CHECK (state IN ('received', 'processing', 'done', 'failed')),
    failure      TEXT,                     -- why processing failed, in words for the uploader
    content_hash TEXT    NOT NULL,         -- SHA-256 hex of the original
    lat          REAL    NOT NULL,
    lon          REAL    NOT NULL,
    ca           REAL,
    captured_at  INTEGER NOT NULL,         -- epoch ms
    orientation  INTEGER NOT NULL DEFAULT 1,
    width        INTEGER NOT NULL,         -- of the original as stored, before orientation
    height       INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX images_user_time ON images(user_id, state, captured_at);
CREATE INDEX images_sequence ON images(sequence_id, captured_at);

CREATE TABLE uploads (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users(id),
    upload_key       TEXT    NOT NULL,     -- chosen by the uploader, so retries are safe
    content_hash     TEXT    NOT NULL,
    size             INTEGER NOT NULL,
    original_present INTEGER NOT NULL DEFAULT 1,
    image_id         INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    created_at       INTEGER NOT NULL,
    UNIQUE (user_id, upload_key)
);
CREATE INDEX uploads_hash ON uploads(content_hash);

CREATE TABLE jobs (
    id         INTEGER PRIMARY KEY,
    image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    state      TEXT    NOT NULL CHECK (state IN ('queued', 'processing')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX jobs_state ON jobs(state, id);
