-- Issue 13, account deletion: a deleted account keeps its row, emptied (other rows refer to it: comments, feed events,
-- decisions), so that the comments a person wrote stay, shown as written by "deleted user". Numbered 0113 (issue 13's
-- second migration) so that it cannot clash with a number another branch takes.
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
