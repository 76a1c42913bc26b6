-- Sign-in sessions: the session cookie carries the account's stamp at sign-in, and a session whose stamp is no longer the
-- account's is signed out (OAuthServer's cookie validation). The stamp moves on sign-out, a password change, disabling and
-- deletion, so a copied or stolen cookie stops working then.
ALTER TABLE users ADD COLUMN session_stamp bigint NOT NULL DEFAULT 0;
