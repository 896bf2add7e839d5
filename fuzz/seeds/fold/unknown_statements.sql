-- Statements that change a table in a way the model does not follow make
-- it unknown (one note each); a later CREATE TABLE makes it known again.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT);
CREATE TABLE parents (id INT PRIMARY KEY);
CREATE TABLE companies (id INT PRIMARY KEY, name TEXT);
-- @revision create_as_and_like
-- @note AS SELECT
CREATE TABLE job_copy AS SELECT * FROM jobs;
-- @note LIKE
CREATE TABLE job_like (LIKE jobs INCLUDING ALL);
-- @note
SELECT id, title INTO job_into FROM jobs;
-- @unknown job_copy, job_like, job_into
-- @revision inherit_and_partition
-- @note inheritance
CREATE TABLE children (extra INT) INHERITS (parents);
-- @note partition
CREATE TABLE measurements (id INT, at DATE) PARTITION BY RANGE (at);
-- @unknown job_copy, job_like, job_into, children, measurements
-- @revision storage_options
ALTER TABLE companies SET (fillfactor = 70);
ALTER TABLE companies ALTER COLUMN name SET STATISTICS 500;
ALTER TABLE companies ALTER COLUMN name SET STORAGE EXTERNAL;
ALTER TABLE companies CLUSTER ON companies_pkey;
ALTER TABLE companies OWNER TO CURRENT_USER;
ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE companies REPLICA IDENTITY FULL;
-- @revision recreate
DROP TABLE job_copy;
CREATE TABLE job_copy (id INT PRIMARY KEY);
-- @unknown job_like, job_into, children, measurements
