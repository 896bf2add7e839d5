-- ALTER TABLE in the forms SQLite has: ADD COLUMN (with defaults,
-- REFERENCES, CHECK), RENAME COLUMN (other tables' foreign keys, indexes
-- and views follow), RENAME TO (foreign keys of other tables follow),
-- DROP COLUMN (its own CHECK goes with it).
-- @revision create
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT UNIQUE);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, company_id INTEGER REFERENCES companies (id), code TEXT REFERENCES companies (code), title TEXT);
CREATE INDEX jobs_title ON jobs (title);
CREATE INDEX jobs_lower_title ON jobs (lower(title));
CREATE VIEW job_titles AS SELECT title FROM jobs;
-- @revision add_columns
ALTER TABLE jobs ADD COLUMN salary INTEGER;
ALTER TABLE jobs ADD currency TEXT NOT NULL DEFAULT 'EUR';
ALTER TABLE jobs ADD COLUMN owner_id INTEGER REFERENCES companies (id) ON DELETE SET NULL;
ALTER TABLE jobs ADD COLUMN bonus INTEGER CHECK (bonus >= 0);
ALTER TABLE jobs ADD COLUMN remote BOOLEAN DEFAULT 0 NOT NULL;
-- @revision rename_columns
ALTER TABLE jobs RENAME COLUMN title TO name;
ALTER TABLE jobs RENAME salary TO pay;
ALTER TABLE companies RENAME COLUMN id TO company_id;
ALTER TABLE companies RENAME COLUMN code TO short_code;
-- @revision rename_tables
ALTER TABLE companies RENAME TO employers;
ALTER TABLE jobs RENAME TO postings;
-- @revision drop_columns
ALTER TABLE postings DROP COLUMN bonus;
ALTER TABLE postings DROP pay;
ALTER TABLE postings DROP COLUMN remote;
