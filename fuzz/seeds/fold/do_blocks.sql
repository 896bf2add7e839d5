-- DO blocks: without DDL they leave the model alone; with DDL on a table
-- the table becomes unknown; with EXECUTE (dynamic SQL the fold cannot
-- read) there is a note.
-- @revision create
CREATE TABLE jobs (id SERIAL PRIMARY KEY, title TEXT);
CREATE TABLE companies (id SERIAL PRIMARY KEY);
DO $$ BEGIN RAISE NOTICE 'hello; world'; END $$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM jobs) THEN
        INSERT INTO jobs (title) VALUES ('first');
    END IF;
END
$$;
DO LANGUAGE plpgsql 'BEGIN PERFORM 1; END';
-- @revision ddl_in_do
-- @note DO block
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'jobs' AND column_name = 'salary') THEN
        ALTER TABLE jobs ADD COLUMN salary INT;
    END IF;
END $$;
-- @unknown jobs
-- @revision execute_in_do
-- Dynamic SQL: the tables the body mentions, even inside strings, are
-- unknown from here on.
-- @note EXECUTE
DO $$
BEGIN
    EXECUTE 'ALTER TABLE ' || 'companies' || ' ADD COLUMN name TEXT';
END $$;
-- @note EXECUTE
DO $$ BEGIN EXECUTE format('SELECT %s', 1); END $$;
-- @unknown jobs, companies
-- @revision plain_statements_in_do
-- A body of plain statements is applied like the statements themselves.
DO $do$ BEGIN CREATE TABLE made_in_do (x INT); ALTER TABLE made_in_do ADD COLUMN y TEXT; RAISE NOTICE 'made'; END $do$;
-- @revision idempotent_enum
-- The idiom for CREATE TYPE IF NOT EXISTS: the second block fails inside
-- and its handler ignores the error.
DO $$ BEGIN
    CREATE TYPE mood AS ENUM ('happy', 'sad');
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;
DO $$ BEGIN
    CREATE TYPE mood AS ENUM ('other', 'labels');
EXCEPTION
    WHEN duplicate_object THEN null;
END $$;
CREATE TABLE moods (m mood);
-- @revision conditional_create
-- @note DO block
DO $$ BEGIN IF now() > '2000-01-01' THEN CREATE TABLE maybe (x INT); END IF; END $$;
-- @unknown jobs, companies, maybe
-- @revision recreate
DROP TABLE jobs;
CREATE TABLE jobs (id INT PRIMARY KEY);
-- @unknown companies, maybe
