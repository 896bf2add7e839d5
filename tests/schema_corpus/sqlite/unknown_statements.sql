-- Statements that make tables unknown on SQLite: CREATE TABLE AS SELECT,
-- virtual tables (and their shadow tables), and syntax the parser lacks.
-- @revision create
CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, body TEXT);
-- @revision create_as
-- @note AS SELECT
CREATE TABLE job_copy AS SELECT id, title FROM jobs;
-- @unknown job_copy
-- @revision virtual
-- @note virtual tables
CREATE VIRTUAL TABLE job_search USING fts5(title, body);
-- @unknown job_copy, job_search, job_search_data, job_search_idx, job_search_content, job_search_docsize, job_search_config
-- @revision unparseable
-- @note could not read
CREATE TABLE conflicts (a INTEGER, b INTEGER, PRIMARY KEY (a) ON CONFLICT REPLACE);
-- @unknown job_copy, job_search, job_search_data, job_search_idx, job_search_content, job_search_docsize, job_search_config, conflicts
-- @revision known_again
DROP TABLE job_copy;
CREATE TABLE job_copy (id INTEGER PRIMARY KEY);
DROP TABLE conflicts;
-- @unknown job_search, job_search_data, job_search_idx, job_search_content, job_search_docsize, job_search_config
