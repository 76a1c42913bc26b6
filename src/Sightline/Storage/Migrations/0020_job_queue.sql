-- One queue for all slow work (issue 10): the derivative jobs and the re-derivations after blurs, claimed with a
-- lease so that a job whose worker died is claimed again once the lease runs out.
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'derive';
ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
ALTER TABLE jobs ADD COLUMN claim TEXT;
INSERT INTO jobs (image_id, state, kind, created_at) SELECT image_id, 'queued', 'rederive', created_at FROM rederive_jobs;
DROP TABLE rederive_jobs;
CREATE UNIQUE INDEX jobs_image_kind ON jobs(image_id, kind);
CREATE INDEX jobs_lease ON jobs(lease_until) WHERE state = 'processing';
