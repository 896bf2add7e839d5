-- Quoted and mixed-case identifiers (SQLite compares names without
-- regard to case), the four quoting styles, keywords as names, several
-- statements on one line, comments everywhere.
-- @revision quoted
CREATE TABLE "Jobs" ("Id" INTEGER PRIMARY KEY, [Title] TEXT NOT NULL, `Company Id` INTEGER, "select" TEXT, 'quoted' TEXT);
CREATE INDEX "Jobs By Title" ON "Jobs" ([Title]);
ALTER TABLE jobs ADD COLUMN "Extra" TEXT;
ALTER TABLE JOBS RENAME COLUMN title TO "Name";
CREATE TABLE companies (ID INTEGER PRIMARY KEY);
ALTER TABLE "Jobs" ADD COLUMN company INTEGER REFERENCES Companies (id);
-- @revision layout
CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER); ALTER TABLE a ADD COLUMN z TEXT; DROP TABLE b;
CREATE /* inline */ TABLE -- trailing
  c ( -- the columns
    x INTEGER /* not null? no */ , -- x
    y /* between name and type */ TEXT DEFAULT 'a -- not a comment; really'
  ) ; -- done
/* a block comment; CREATE TABLE ghost (x INTEGER); */
INSERT INTO c (x, y) VALUES (1, 'semi;colon'), (2, 'it''s; quoted');
-- @revision data_statements
INSERT INTO a (x, z) VALUES (1, 'one');
UPDATE a SET z = 'two' WHERE x = 1;
DELETE FROM a WHERE x = 2;
REPLACE INTO a (x, z) VALUES (3, 'three');
INSERT OR IGNORE INTO a (x) VALUES (4);
PRAGMA user_version = 7;
ANALYZE;
