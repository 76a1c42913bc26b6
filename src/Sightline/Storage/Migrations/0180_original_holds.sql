-- Holds on originals (IUploadStore.OriginalHold): an upload holds its content hash while it puts the file and records
-- itself; a removal holds one while it deletes a file no upload needs. A removal is not taken while an upload holds the
-- hash and an upload waits while a removal holds it, so a re-upload of the same bytes never loses its file to a deletion
-- decided before it was recorded. Rows live for milliseconds; those of a process that died expire (since, unix ms).
CREATE TABLE original_holds (
    id           INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    removal      INTEGER NOT NULL,
    since        INTEGER NOT NULL
);
CREATE INDEX original_holds_hash ON original_holds(content_hash);
