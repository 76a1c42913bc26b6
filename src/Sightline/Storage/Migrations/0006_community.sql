-- Community: administrators, comments, blurs, complaints, the activity feed, detections.
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;

-- Which set of thumbnails is current: bumped each time the public derivatives are made again
-- (after a blur is applied), so file names and ETags change with the pixels.
ALTER TABLE images ADD COLUMN derivative_version INTEGER NOT NULL DEFAULT 0;
-- Set when a complaint about the image is upheld: the image is then invisible everywhere.
ALTER TABLE images ADD COLUMN hidden_at INTEGER;

CREATE TABLE comments (
    id         INTEGER PRIMARY KEY,
    key        TEXT    NOT NULL UNIQUE,
    image_id   INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    body       TEXT    NOT NULL,          -- plain text, exactly as sent
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_image ON comments(image_id, created_at);

-- The blurs in effect on an image (at most one row per image) and the request under review.
CREATE TABLE image_blurs (
    image_id     INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE,
    rects        TEXT    NOT NULL,        -- JSON [{"type":"face","rect":[x0,y0,x1,y1]}]
    decided_by   INTEGER REFERENCES users(id),  -- null: the automatic default
    applied      INTEGER NOT NULL DEFAULT 0,    -- 1 once the derivatives show them
    updated_at   INTEGER NOT NULL
);

CREATE TABLE blur_requests (
    id           INTEGER PRIMARY KEY,
    image_id     INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    rects        TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    created_at   INTEGER NOT NULL,
    decided_by   INTEGER REFERENCES users(id),
    decided_at   INTEGER
);
-- One pending request per image (spec §5 item 17).
CREATE UNIQUE INDEX blur_requests_one_pending ON blur_requests(image_id) WHERE state = 'pending';

-- Images whose public derivatives must be made again (blurs applied); worked off by the blur worker.
CREATE TABLE rederive_jobs (
    id         INTEGER PRIMARY KEY,
    image_id   INTEGER NOT NULL UNIQUE REFERENCES images(id) ON DELETE CASCADE,
    state      TEXT    NOT NULL CHECK (state IN ('queued', 'processing')),
    created_at INTEGER NOT NULL
);

CREATE TABLE complaints (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    image_id    INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users(id),          -- null when filed without a token
    application_id INTEGER NOT NULL REFERENCES applications(id),
    body        TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('open', 'upheld', 'dismissed')),
    created_at  INTEGER NOT NULL,
    resolved_by INTEGER REFERENCES users(id),
    resolved_at INTEGER
);
CREATE INDEX complaints_state ON complaints(state, created_at);

-- The activity feed. The id is the event's version (spec §5 item 35): it only grows.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    action        TEXT    NOT NULL,       -- uploaded, commented, blur_requested, blur_applied, complaint_resolved
    object        TEXT    NOT NULL,       -- image, comment, blur, complaint
    object_key    TEXT    NOT NULL,
    image_id      INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users(id),   -- the actor
    other_user_id INTEGER REFERENCES users(id),            -- the other person involved
    main_description   TEXT NOT NULL,
    detail_description TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX events_user ON events(user_id, id);
CREATE INDEX events_other_user ON events(other_user_id, id);

-- An image joins the feed when it becomes visible, whichever code path finishes its processing.
CREATE TRIGGER images_uploaded_event AFTER UPDATE OF state ON images
WHEN NEW.state = 'done' AND OLD.state <> 'done'
BEGIN
    INSERT INTO events (action, object, object_key, image_id, user_id, main_description, created_at)
    VALUES ('uploaded', 'image', NEW.key, NEW.id, NEW.user_id, 'uploaded a photo', NEW.updated_at);
END;
