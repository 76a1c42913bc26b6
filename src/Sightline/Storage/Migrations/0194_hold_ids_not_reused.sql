-- Holds on originals: a hold's id is never given to another hold. SQLite numbers a new row as the largest id plus one, so
-- the id of the newest hold, once released or expired, went to the next: a deletion that stalled past its removal hold's
-- lifetime (the hold then dropped as a dead process's) would, on ending, release the hold a new upload of the same bytes
-- had just taken under that id, and leave that upload's file open to another removal. AUTOINCREMENT never reuses an id;
-- nothing refers to this table, so it is simply made again (its rows live for milliseconds).
CREATE TABLE original_holds_numbered (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    content_hash TEXT NOT NULL,
    removal      INTEGER NOT NULL,
    since        INTEGER NOT NULL
);
INSERT INTO original_holds_numbered (id, content_hash, removal, since) SELECT id, content_hash, removal, since FROM original_holds;
DROP TABLE original_holds;
ALTER TABLE original_holds_numbered RENAME TO original_holds;
CREATE INDEX original_holds_hash ON original_holds(content_hash);
