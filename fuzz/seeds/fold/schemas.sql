-- Schema-qualified names: CREATE SCHEMA, tables, indexes, types and views
-- in another schema, the same table name in two schemas, foreign keys
-- across schemas, quoted schema names, ALTER TABLE SET SCHEMA, DROP SCHEMA
-- CASCADE; a search_path that moves unqualified names elsewhere is noted
-- (the fold does not follow it).
-- @revision create
CREATE SCHEMA app;
CREATE SCHEMA IF NOT EXISTS app;
CREATE SCHEMA "Archive";
CREATE TYPE app.state AS ENUM ('a', 'b');
CREATE TABLE app.jobs (id SERIAL PRIMARY KEY, state app.state, title TEXT UNIQUE);
CREATE TABLE jobs (id SERIAL PRIMARY KEY, app_job_id INT REFERENCES app.jobs (id));
CREATE TABLE public.companies (id INT PRIMARY KEY);
CREATE TABLE "Archive"."Jobs" ("Id" INT PRIMARY KEY, job_id INT REFERENCES jobs);
CREATE INDEX ON app.jobs (state);
CREATE INDEX jobs_title ON app.jobs (title);
CREATE INDEX jobs_title ON public.jobs (app_job_id);
CREATE VIEW app.open_jobs AS SELECT id FROM app.jobs;
-- @revision alter_in_schema
ALTER TABLE app.jobs ADD COLUMN company_id INT REFERENCES public.companies;
ALTER TABLE app.jobs RENAME COLUMN title TO name;
ALTER TABLE "Archive"."Jobs" RENAME TO "OldJobs";
ALTER INDEX app.jobs_title RENAME TO jobs_name;
COMMENT ON TABLE app.jobs IS 'in app';
COMMENT ON COLUMN app.jobs.name IS 'the name';
DROP INDEX app.jobs_state_idx;
-- @revision set_schema
ALTER TABLE companies SET SCHEMA app;
-- @revision drop_schema
DROP SCHEMA "Archive" CASCADE;
DROP VIEW app.open_jobs;
-- @revision search_path
-- pg_dump's empty search_path and the default one leave names in public.
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TABLE public.dumped (id INT PRIMARY KEY);
SET search_path TO "$user", public;
-- @note search_path now starts with `app`
SET search_path TO app, public;
CREATE TABLE app.qualified (id INT PRIMARY KEY);
RESET search_path;
