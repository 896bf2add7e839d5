-- COMMENT ON TABLE / COLUMN (set, replaced, removed with IS NULL), comments
-- on other objects (leave tables alone), CREATE [OR REPLACE]
-- [MATERIALIZED] VIEW, DROP VIEW, views renamed.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT, salary INT);
COMMENT ON TABLE jobs IS 'Job postings';
COMMENT ON COLUMN jobs.title IS 'What the job is called';
COMMENT ON COLUMN public.jobs.salary IS 'Yearly, in cents';
COMMENT ON INDEX jobs_pkey IS 'the key';
COMMENT ON CONSTRAINT jobs_pkey ON jobs IS 'the key constraint';
COMMENT ON SCHEMA public IS 'standard public schema';
-- @revision change_comments
COMMENT ON TABLE jobs IS 'It''s the postings';
COMMENT ON COLUMN jobs.salary IS NULL;
COMMENT ON COLUMN jobs.title IS '';
-- @revision views
CREATE VIEW open_jobs AS SELECT id, title FROM jobs WHERE salary > 0;
CREATE OR REPLACE VIEW open_jobs AS SELECT id, title, salary FROM jobs WHERE salary > 0;
CREATE VIEW job_ids AS SELECT id FROM jobs;
CREATE MATERIALIZED VIEW job_stats AS SELECT count(*) AS n FROM jobs;
CREATE MATERIALIZED VIEW IF NOT EXISTS job_stats AS SELECT 1 AS n;
CREATE TEMPORARY VIEW temp_jobs AS SELECT 1 AS x;
CREATE RECURSIVE VIEW nums (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM nums WHERE n < 5;
COMMENT ON VIEW open_jobs IS 'open ones';
REFRESH MATERIALIZED VIEW job_stats;
-- @revision rename_and_drop_views
ALTER VIEW job_ids RENAME TO all_job_ids;
ALTER TABLE open_jobs RENAME TO current_jobs;
ALTER MATERIALIZED VIEW job_stats RENAME TO posting_stats;
DROP VIEW IF EXISTS no_such_view;
DROP MATERIALIZED VIEW posting_stats;
DROP VIEW nums;
