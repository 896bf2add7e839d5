-- A table the fold could not read stays unknown through later changes
-- (renames carry the unknown state along), until a revision creates it
-- again; changes to a table no statement created make it unknown.
-- @revision create
-- @note AS SELECT
CREATE TABLE snapshot AS SELECT 1 AS id, 'x' AS label;
CREATE TABLE jobs (id INTEGER PRIMARY KEY);
-- @unknown snapshot
-- @revision change_unknown
ALTER TABLE snapshot ADD COLUMN extra TEXT;
CREATE INDEX snapshot_label ON snapshot (label);
ALTER TABLE snapshot RENAME TO snapshots;
ALTER TABLE snapshots RENAME COLUMN label TO name;
-- @unknown snapshots
-- @revision recreate
DROP TABLE snapshots;
CREATE TABLE snapshots (id INTEGER PRIMARY KEY, name TEXT);
-- @unknown
