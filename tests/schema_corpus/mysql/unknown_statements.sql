-- Statements that make tables unknown on MySQL: CREATE TABLE LIKE and AS
-- SELECT, CONVERT TO CHARACTER SET (it may widen TEXT columns), and
-- syntax the parser lacks; a later CREATE TABLE makes them known again.
-- @revision create
CREATE TABLE jobs (id INT PRIMARY KEY, title TEXT) DEFAULT CHARSET=latin1;
CREATE TABLE companies (id INT PRIMARY KEY, name VARCHAR(100));
-- @revision like_and_as
-- @note LIKE
CREATE TABLE job_like LIKE jobs;
-- @note AS SELECT
CREATE TABLE job_copy AS SELECT id, title FROM jobs;
-- @note
CREATE TABLE job_copy2 SELECT id FROM jobs;
-- @unknown job_like, job_copy, job_copy2
-- @revision convert
-- @note
ALTER TABLE jobs CONVERT TO CHARACTER SET utf8mb4;
-- @unknown job_like, job_copy, job_copy2, jobs
-- @revision types_the_parser_lacks
-- @note could not read
CREATE TABLE national (id INT PRIMARY KEY, v NATIONAL VARCHAR(10));
-- @unknown job_like, job_copy, job_copy2, jobs, national
-- @revision harmless_options
ALTER TABLE companies ENGINE = InnoDB;
ALTER TABLE companies COMMENT = 'firms';
ALTER TABLE companies AUTO_INCREMENT = 10;
ALTER TABLE companies FORCE;
ALTER TABLE companies ALGORITHM = INPLACE, LOCK = NONE, ADD COLUMN country CHAR(2);
-- @revision known_again
DROP TABLE job_like;
CREATE TABLE job_like (id INT PRIMARY KEY);
-- @unknown job_copy, job_copy2, jobs, national
