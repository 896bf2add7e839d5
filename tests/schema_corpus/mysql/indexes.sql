-- CREATE / DROP INDEX: unique, multi-column, prefix keys, FULLTEXT,
-- USING BTREE / HASH, DROP INDEX ... ON, and MySQL's name for an unnamed
-- key: its first column, then <column>_2, _3.
-- @revision create
CREATE TABLE jobs (id INT PRIMARY KEY, title VARCHAR(200), body TEXT, company_id INT, posted DATETIME);
CREATE INDEX jobs_title ON jobs (title);
CREATE UNIQUE INDEX jobs_company_title ON jobs (company_id, title);
CREATE INDEX jobs_body_prefix ON jobs (body(100));
CREATE FULLTEXT INDEX jobs_body_text ON jobs (body);
CREATE INDEX jobs_posted USING BTREE ON jobs (posted);
CREATE INDEX jobs_posted_desc ON jobs (posted DESC, id);
ALTER TABLE jobs ADD INDEX (company_id), ADD INDEX (company_id), ADD INDEX (company_id, posted);
-- @revision drop
DROP INDEX jobs_title ON jobs;
DROP INDEX company_id_2 ON jobs;
ALTER TABLE jobs DROP INDEX jobs_body_prefix;
-- @revision after_drops
ALTER TABLE jobs ADD INDEX (company_id);
