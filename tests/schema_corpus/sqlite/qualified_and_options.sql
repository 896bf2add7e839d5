-- Names qualified with `main.`, STRICT tables, defaults in every form
-- SQLite takes (literals, negative numbers, blobs, parenthesised
-- expressions), and a revision outside a transaction with its own
-- BEGIN / COMMIT and savepoints.
-- @revision qualified
CREATE TABLE main.jobs (id INTEGER PRIMARY KEY, title TEXT);
ALTER TABLE main.jobs ADD COLUMN salary INTEGER;
CREATE INDEX main.jobs_title ON jobs (title);
CREATE VIEW main.job_titles AS SELECT title FROM main.jobs;
-- @revision strict_and_defaults
CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    n INTEGER NOT NULL DEFAULT -1,
    f REAL DEFAULT +1.5,
    b BLOB DEFAULT x'00ff',
    t TEXT DEFAULT (datetime('now')),
    u TEXT DEFAULT NULL,
    v ANY
) STRICT;
CREATE TABLE plain (id INTEGER PRIMARY KEY) WITHOUT ROWID, STRICT;
-- @revision own_transaction no-transaction
BEGIN;
CREATE TABLE inside (id INTEGER PRIMARY KEY);
SAVEPOINT one;
ALTER TABLE inside ADD COLUMN x TEXT;
RELEASE SAVEPOINT one;
COMMIT;
