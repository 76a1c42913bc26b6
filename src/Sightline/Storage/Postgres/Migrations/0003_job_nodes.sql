-- Issue 10: a claim names the node that made it, and every node holds a session advisory lock on its number while it
-- runs (PostgresJobNodes). PostgreSQL drops that lock when the node's session ends, so a job whose node is gone is
-- claimed again at once instead of after its lease.
CREATE SEQUENCE job_nodes;
ALTER TABLE jobs ADD COLUMN node bigint;

-- Idle nodes LISTEN on sightline_jobs: a job that becomes queued wakes them when its transaction commits, instead of
-- waiting for their next poll. Row-level with a WHEN, so that claims and renewals (which never set 'queued') send
-- nothing; identical notifications of one transaction are folded into one by PostgreSQL.
CREATE FUNCTION jobs_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('sightline_jobs', '');
    RETURN NULL;
END $$;

CREATE TRIGGER jobs_queued AFTER INSERT OR UPDATE OF state ON jobs
    FOR EACH ROW WHEN (NEW.state = 'queued') EXECUTE FUNCTION jobs_queued();
