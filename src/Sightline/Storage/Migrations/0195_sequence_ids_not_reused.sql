-- Sequences: a sequence's id is never given to another, as images' (0193). The newest sequence's id, once the sequence
-- was deleted (its last photo deleted, or merged into an earlier one), went to the next sequence made; what still held the
-- old id (the search index between the deletion and its catching up, a move judged on the sequence read before) named the
-- new one. The highest id deleted is kept in deleted_ids and SequenceAssembler numbers new sequences past it.
CREATE TRIGGER sequences_deleted_id AFTER DELETE ON sequences
WHEN old.id > coalesce((SELECT max(id) FROM sequences), 0)
BEGIN
    INSERT INTO deleted_ids (name, high) VALUES ('sequences', old.id)
    ON CONFLICT (name) DO UPDATE SET high = max(high, excluded.high);
END;
