-- Users, applications (OAuth clients), their redirect URIs, access tokens, server settings.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT    NOT NULL UNIQUE,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    email         TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    about         TEXT    NOT NULL DEFAULT '',
    avatar        TEXT,                      -- hex id of an uploaded picture, null when none
    created_at    INTEGER NOT NULL           -- epoch ms
);

CREATE TABLE applications (
    id             INTEGER PRIMARY KEY,
    client_id      TEXT    NOT NULL UNIQUE,
    secret_hash    TEXT,                     -- SHA-256 hex of the secret; null for public clients
    name           TEXT    NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    allow_implicit INTEGER NOT NULL DEFAULT 0,
    owner_user_id  INTEGER REFERENCES users(id),
    created_at     INTEGER NOT NULL
);

CREATE TABLE application_redirect_uris (
    application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    uri            TEXT    NOT NULL,
    PRIMARY KEY (application_id, uri)
);

CREATE TABLE access_tokens (
    id             INTEGER PRIMARY KEY,
    token_hash     TEXT    NOT NULL UNIQUE,  -- SHA-256 hex of the token; the token itself is never stored
    user_id        INTEGER NOT NULL REFERENCES users(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    scopes         TEXT    NOT NULL,         -- space-separated
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER,
    revoked_at     INTEGER
);
CREATE INDEX access_tokens_user ON access_tokens(user_id);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
