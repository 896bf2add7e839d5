-- PostgreSQL syntax the parser lacks: harmless statements (by their first
-- words) are skipped silently or with a note; one that names a table makes
-- it unknown.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT, body TEXT);
CREATE TABLE companies (id SERIAL PRIMARY KEY, name TEXT);
CREATE INDEX companies_name ON companies (name);
-- @revision harmless
CREATE EXTENSION IF NOT EXISTS pgcrypto SCHEMA public;
COMMENT ON CONSTRAINT jobs_pkey ON jobs IS 'the key';
CREATE SEQUENCE job_numbers START 1 OWNED BY jobs.id;
ALTER SEQUENCE job_numbers RESTART WITH 10;
GRANT SELECT ON jobs TO PUBLIC;
REVOKE ALL ON companies FROM PUBLIC;
ANALYZE jobs;
CREATE STATISTICS jobs_stats (dependencies) ON id, title FROM jobs;
SELECT setval('jobs_id_seq', 100);
SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', 'public', false);
-- @revision read_from_tokens
-- Forms the parser lacks that the fold reads from their tokens.
ALTER TABLE jobs ALTER COLUMN body SET COMPRESSION pglz, ALTER COLUMN title SET STATISTICS 100;
ALTER INDEX IF EXISTS companies_name SET (fillfactor = 50);
ALTER INDEX companies_name RESET (fillfactor);
ALTER TABLE IF EXISTS ONLY jobs ALTER COLUMN title SET STORAGE MAIN, ADD COLUMN extra INT;
CLUSTER jobs USING jobs_pkey;
-- @revision changes_a_table
CREATE TYPE shape AS (a INT, b TEXT);
CREATE TABLE typed (a INT, b TEXT);
-- @note could not read
ALTER TABLE typed OF shape;
-- @note EXCLUDE
ALTER TABLE companies ADD CONSTRAINT companies_name_excl EXCLUDE (name WITH =);
-- @unknown typed, companies
