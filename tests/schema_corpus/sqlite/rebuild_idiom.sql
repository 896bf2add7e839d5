-- SQLite's hand-written rebuild: create the new table, copy, drop the old
-- one, rename the new one, recreate the indexes. Foreign keys of other
-- tables keep pointing at the name, so they still refer to the table.
-- @revision create
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, company_id INTEGER REFERENCES companies (id), title TEXT, salary TEXT);
CREATE INDEX jobs_company ON jobs (company_id);
CREATE TABLE applications (id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL REFERENCES jobs (id));
INSERT INTO companies (id, name) VALUES (1, 'acme');
INSERT INTO jobs (id, company_id, title, salary) VALUES (1, 1, 'dev', '100');
-- @revision rebuild_jobs
PRAGMA foreign_keys = OFF;
CREATE TABLE jobs_new (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    salary INTEGER,
    CHECK (salary > 0)
);
INSERT INTO jobs_new (id, company_id, title, salary) SELECT id, company_id, title, CAST(salary AS INTEGER) FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_company ON jobs (company_id);
CREATE UNIQUE INDEX jobs_title ON jobs (company_id, title);
PRAGMA foreign_key_check;
PRAGMA foreign_keys = ON;
-- @revision rebuild_with_temporary_copy
-- The older idiom: copy aside into a temporary table, recreate, copy back.
CREATE TEMPORARY TABLE companies_backup (id, name);
INSERT INTO companies_backup SELECT id, name FROM companies;
DROP TABLE companies;
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '');
INSERT INTO companies SELECT id, name FROM companies_backup;
DROP TABLE companies_backup;
