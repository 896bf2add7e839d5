-- Composite types and domains, and columns of them.
-- @revision create
CREATE TYPE money_amount AS (amount NUMERIC(12, 2), currency CHAR(3));
CREATE TYPE address AS (street TEXT, city VARCHAR(100), zip INT[]);
CREATE DOMAIN email AS TEXT CHECK (VALUE LIKE '%@%');
CREATE DOMAIN positive_int AS INTEGER NOT NULL DEFAULT 1 CHECK (VALUE > 0);
CREATE DOMAIN short_code AS VARCHAR(8);
CREATE TABLE people (
    id SERIAL PRIMARY KEY,
    contact email NOT NULL,
    age positive_int,
    home address,
    salary money_amount,
    code short_code,
    codes short_code[]
);
-- @revision alter
ALTER DOMAIN email ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));
ALTER TYPE address ADD ATTRIBUTE country TEXT;
ALTER TYPE address RENAME ATTRIBUTE zip TO zips;
-- @revision drop
ALTER TABLE people DROP COLUMN code, DROP COLUMN codes;
DROP DOMAIN short_code;
DROP DOMAIN IF EXISTS no_such_domain;
DROP TYPE money_amount CASCADE;
