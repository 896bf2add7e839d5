-- Views (CREATE [TEMP] VIEW [IF NOT EXISTS], DROP VIEW [IF EXISTS]) and
-- triggers, whose BEGIN ... END bodies hold `;`: they leave tables alone.
-- @revision create
CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT, updated_at TEXT);
CREATE TABLE audit (job_id INTEGER, what TEXT);
CREATE VIEW job_titles AS SELECT id, title FROM jobs;
CREATE VIEW IF NOT EXISTS job_titles AS SELECT 1;
CREATE VIEW IF NOT EXISTS job_ids (n) AS SELECT id FROM jobs;
CREATE TEMP VIEW temp_titles AS SELECT title FROM jobs;
-- @revision triggers
CREATE TRIGGER jobs_touch AFTER UPDATE ON jobs
BEGIN
    UPDATE jobs SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
    INSERT INTO audit (job_id, what) VALUES (NEW.id, 'update; really');
END;
CREATE TRIGGER IF NOT EXISTS jobs_gone BEFORE DELETE ON jobs FOR EACH ROW WHEN OLD.id > 0 BEGIN
    INSERT INTO audit VALUES (OLD.id, CASE WHEN OLD.title IS NULL THEN 'untitled' ELSE OLD.title END);
END;
CREATE TABLE after_triggers (x INTEGER);
-- @revision drop
DROP TRIGGER jobs_touch;
DROP TRIGGER IF EXISTS no_such_trigger;
DROP VIEW job_titles;
DROP VIEW IF EXISTS no_such_view;
-- @revision drop_table_keeps_views
-- SQLite keeps a view whose table is gone (it fails when used).
DROP TABLE audit;
