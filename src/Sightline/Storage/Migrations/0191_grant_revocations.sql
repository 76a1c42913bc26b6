-- OAuth: when a person last revoked an application's access at /settings. An authorization code issued before that moment
-- and not yet redeemed is refused at the token endpoint, so a revocation cannot be undone by a code the application already
-- holds. A token the application revokes itself (RFC 7009) is not recorded here: that voids no pending code.
CREATE TABLE oauth_grant_revocations (
    user_id        INTEGER NOT NULL REFERENCES users(id),
    application_id INTEGER NOT NULL REFERENCES applications(id),
    revoked_at     INTEGER NOT NULL,             -- epoch ms of the latest revocation
    PRIMARY KEY (user_id, application_id)
);
