-- Views (CREATE [OR REPLACE], ALTER VIEW, DROP VIEW [IF EXISTS]) and
-- routines and triggers, whose BEGIN ... END bodies hold `;`: they leave
-- tables alone.
-- @revision create
CREATE TABLE jobs (id INT PRIMARY KEY, title VARCHAR(100), updated_at DATETIME);
CREATE TABLE audit (job_id INT, what VARCHAR(100));
CREATE VIEW job_titles AS SELECT id, title FROM jobs;
CREATE OR REPLACE VIEW job_titles AS SELECT id, title, updated_at FROM jobs;
CREATE ALGORITHM = MERGE SQL SECURITY INVOKER VIEW job_ids AS SELECT id FROM jobs;
-- @revision routines
CREATE TRIGGER jobs_touch BEFORE UPDATE ON jobs FOR EACH ROW
BEGIN
    SET NEW.updated_at = NOW();
    INSERT INTO audit (job_id, what) VALUES (NEW.id, 'update; really');
END;
CREATE PROCEDURE bump(IN n INT)
BEGIN
    IF n > 0 THEN
        UPDATE jobs SET title = CONCAT(title, '!') WHERE id = n;
    END IF;
    SELECT 1;
END;
CREATE FUNCTION twice(n INT) RETURNS INT DETERMINISTIC RETURN n * 2;
CREATE TABLE after_routines (x INT);
-- @revision alter_and_drop
ALTER VIEW job_ids AS SELECT id, title FROM jobs;
DROP TRIGGER jobs_touch;
DROP TRIGGER IF EXISTS no_such_trigger;
DROP PROCEDURE bump;
DROP FUNCTION IF EXISTS twice;
DROP VIEW job_titles;
DROP VIEW IF EXISTS no_such_view, job_ids;
