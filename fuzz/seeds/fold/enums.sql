-- CREATE TYPE ... AS ENUM, ALTER TYPE ADD VALUE (BEFORE / AFTER / IF NOT
-- EXISTS), RENAME VALUE, RENAME TO, columns and arrays of the type, DROP
-- TYPE; ADD VALUE in a revision outside a transaction too.
-- @revision create
CREATE TYPE job_status AS ENUM ('draft', 'open', 'closed');
CREATE TYPE "Mood" AS ENUM ('happy', 'sad');
CREATE TABLE jobs (id SERIAL PRIMARY KEY, status job_status NOT NULL DEFAULT 'draft', history job_status[], mood "Mood");
-- @revision add_values
ALTER TYPE job_status ADD VALUE 'archived';
ALTER TYPE job_status ADD VALUE 'review' BEFORE 'open';
ALTER TYPE job_status ADD VALUE IF NOT EXISTS 'paused' AFTER 'open';
ALTER TYPE job_status ADD VALUE IF NOT EXISTS 'open';
-- @revision add_outside_transaction no-transaction
ALTER TYPE "Mood" ADD VALUE 'ok' BEFORE 'sad';
ALTER TYPE job_status ADD VALUE 'deleted';
-- @revision rename
ALTER TYPE job_status RENAME VALUE 'draft' TO 'new';
ALTER TYPE "Mood" RENAME TO mood;
ALTER TYPE job_status RENAME TO posting_status;
-- @revision drop
CREATE TYPE unused AS ENUM ();
DROP TYPE unused;
DROP TYPE IF EXISTS no_such_type;
ALTER TABLE jobs DROP COLUMN mood;
DROP TYPE mood;
-- @revision drop_cascade
DROP TYPE posting_status CASCADE;
