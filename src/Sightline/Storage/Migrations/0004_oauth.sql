-- OAuth: authorization codes already redeemed at the token endpoint. The code itself is a
-- self-contained, encrypted OpenIddict token; this table is what makes it single-use and lets
-- a replay revoke the token the first redemption issued (RFC 9700 §4.5).
CREATE TABLE oauth_code_redemptions (
    code_hash   TEXT    PRIMARY KEY,          -- SHA-256 hex of the code; the code itself is never stored
    token_id    INTEGER REFERENCES access_tokens(id),
    redeemed_at INTEGER NOT NULL,             -- epoch ms
    replayed_at INTEGER                       -- set when the code was presented again
);
CREATE INDEX oauth_code_redemptions_age ON oauth_code_redemptions(redeemed_at);
CREATE INDEX access_tokens_application ON access_tokens(application_id);
