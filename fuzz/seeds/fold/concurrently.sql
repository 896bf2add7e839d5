-- CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY run outside a
-- transaction: a `run_in_transaction = false` revision.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT, company_id INT);
-- @revision concurrent_create no-transaction
CREATE INDEX CONCURRENTLY jobs_title ON jobs (title);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS jobs_company ON jobs (company_id, id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS jobs_title ON jobs (company_id);
CREATE INDEX CONCURRENTLY ON jobs (company_id);
-- @revision concurrent_drop no-transaction
DROP INDEX CONCURRENTLY jobs_title;
DROP INDEX CONCURRENTLY IF EXISTS jobs_title;
REINDEX INDEX CONCURRENTLY jobs_company;
