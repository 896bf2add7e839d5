-- CREATE/DROP INDEX: unique, partial, expression, methods, INCLUDE,
-- IF NOT EXISTS, unnamed (PostgreSQL names them), ALTER INDEX RENAME,
-- DROP INDEX IF EXISTS on a missing index, several names in one DROP.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT, company_id INT, tags TEXT[], posted TIMESTAMPTZ, body JSONB);
CREATE INDEX jobs_title_idx ON jobs (title);
CREATE UNIQUE INDEX jobs_company_title ON jobs (company_id, title);
CREATE INDEX jobs_open ON jobs (posted) WHERE posted IS NOT NULL;
CREATE INDEX jobs_lower_title ON jobs (lower(title));
CREATE INDEX jobs_tags ON jobs USING gin (tags);
CREATE INDEX jobs_body ON jobs USING GIN (body jsonb_path_ops);
CREATE INDEX jobs_hash ON jobs USING hash (title);
CREATE INDEX jobs_desc ON jobs (posted DESC NULLS LAST, id);
CREATE INDEX jobs_covering ON jobs (company_id) INCLUDE (title);
CREATE INDEX IF NOT EXISTS jobs_title_idx ON jobs (company_id);
CREATE INDEX ON jobs (company_id);
CREATE INDEX ON jobs (title);
CREATE INDEX ON jobs ((title || 'x'));
CREATE INDEX ON jobs (coalesce(title, ''), (id::text));
CREATE UNIQUE INDEX ON jobs (id, company_id) WHERE company_id > 0;
CREATE INDEX ONLY_on_jobs ON ONLY jobs (id);
-- @revision rename_and_drop
ALTER INDEX jobs_title_idx RENAME TO jobs_by_title;
ALTER INDEX IF EXISTS no_such_index RENAME TO other;
DROP INDEX jobs_hash;
DROP INDEX IF EXISTS no_such_index;
DROP INDEX IF EXISTS jobs_desc, jobs_covering;
DROP INDEX jobs_company_id_idx CASCADE;
-- @revision rename_key_index
-- The index behind a primary key shares its name: renaming one renames both.
ALTER INDEX jobs_pkey RENAME TO jobs_primary;
-- @revision rename_table_keeps_index_names
ALTER TABLE jobs RENAME TO postings;
CREATE INDEX ON postings (title);
