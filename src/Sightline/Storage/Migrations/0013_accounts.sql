-- Accounts (issue 13): an administrator can disable a user; a disabled user cannot sign in and their tokens stop
-- working at once. Numbered after the issue, not the next free number, so that migrations of branches merged in
-- another order do not clash (Database.Migrate applies a lower number that arrives late).
ALTER TABLE users ADD COLUMN disabled_at INTEGER;

-- A deleted account keeps its row, emptied (other rows refer to it: comments, feed events, decisions), so that
-- the comments a person wrote stay, shown as written by "deleted user".
ALTER TABLE users ADD COLUMN deleted_at INTEGER;
