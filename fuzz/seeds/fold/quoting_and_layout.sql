-- The hard layouts: quoted and mixed-case identifiers, names that are
-- keywords, several statements on one line, comments everywhere (between
-- tokens, after statements, nested), dollar quoting, E'' strings, and a
-- statement split over many lines.
-- @revision quoted
CREATE TABLE "Jobs" ("Id" SERIAL PRIMARY KEY, "Title" TEXT NOT NULL, "user" TEXT, "select" INT, "with space" TEXT, "quote""d" TEXT);
CREATE TABLE Companies (ID INT PRIMARY KEY, Name TEXT);
CREATE INDEX "Jobs_Title_Idx" ON "Jobs" ("Title");
CREATE INDEX ON "Jobs" ("with space");
ALTER TABLE "Jobs" ADD COLUMN "CompanyId" INT REFERENCES companies (id);
ALTER TABLE COMPANIES ADD COLUMN "Name" TEXT;
-- @revision layout
CREATE TABLE a (x INT); CREATE TABLE b (y INT); ALTER TABLE a ADD COLUMN z TEXT; DROP TABLE b;
CREATE /* inline */ TABLE -- trailing
  c ( -- the columns
    x INT /* not null? no */ , -- x
    y /* a comment between name and type */ TEXT DEFAULT 'a -- not a comment; really'
  ) ; -- done
/* a block comment /* nested */ still a comment; CREATE TABLE ghost (x INT); */
INSERT INTO c (x, y) VALUES (1, 'semi;colon'), (2, E'it\'s; escaped'), (3, $$dollar; quoted$$);
-- @revision dollar_quoting
CREATE TABLE d (x TEXT DEFAULT $tag$a 'b' ; c$tag$, y TEXT DEFAULT $$;$$);
CREATE FUNCTION touch() RETURNS trigger AS $body$
BEGIN
    NEW.x := 'changed; really';
    RETURN NEW;
END;
$body$ LANGUAGE plpgsql;
CREATE TRIGGER d_touch BEFORE UPDATE ON d FOR EACH ROW EXECUTE FUNCTION touch();
CREATE OR REPLACE FUNCTION add_one(i INT) RETURNS INT LANGUAGE sql AS 'SELECT i + 1; ';
CREATE PROCEDURE noop() LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;
CREATE TABLE e (x INT);
