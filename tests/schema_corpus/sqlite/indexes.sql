-- CREATE/DROP INDEX: unique, multi-column, partial, expression, DESC and
-- COLLATE, IF NOT EXISTS, DROP INDEX IF EXISTS on a missing one.
-- @revision create
CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, company_id INTEGER, posted TEXT, deleted_at TEXT);
CREATE INDEX jobs_title ON jobs (title);
CREATE UNIQUE INDEX jobs_company_title ON jobs (company_id, title);
CREATE INDEX jobs_live ON jobs (posted) WHERE deleted_at IS NULL;
CREATE INDEX jobs_lower ON jobs (lower(title));
CREATE INDEX jobs_mixed ON jobs (company_id, lower(title), posted DESC);
CREATE INDEX jobs_nocase ON jobs (title COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS jobs_title ON jobs (posted);
CREATE INDEX IF NOT EXISTS main.jobs_posted ON jobs (posted);
-- @revision drop
DROP INDEX jobs_title;
DROP INDEX IF EXISTS jobs_title;
DROP INDEX IF EXISTS no_such_index;
DROP INDEX main.jobs_posted;
-- @revision rename_column_in_indexes
ALTER TABLE jobs RENAME COLUMN title TO name;
ALTER TABLE jobs RENAME TO postings;
CREATE INDEX postings_name ON postings (name);
