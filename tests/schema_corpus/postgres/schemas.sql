-- Schema-qualified names: CREATE SCHEMA, tables, indexes, types and views
-- in another schema, the same table name in two schemas, foreign keys
-- across schemas, quoted schema names, ALTER TABLE SET SCHEMA, DROP SCHEMA
-- CASCADE.
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
