-- Dropping what others depend on: a table referenced by another table's
-- foreign key (CASCADE drops the key, not the table), views with CASCADE,
-- a column used by indexes and constraints (they go with it), a column
-- another table's foreign key references (CASCADE).
-- @revision create
CREATE TABLE companies (id SERIAL PRIMARY KEY, name TEXT NOT NULL, code TEXT UNIQUE);
CREATE TABLE jobs (
    id SERIAL PRIMARY KEY,
    company_id INT REFERENCES companies,
    company_code TEXT REFERENCES companies (code),
    title TEXT,
    salary INT CHECK (salary > 0),
    bonus INT,
    CHECK (bonus < salary),
    UNIQUE (title, salary)
);
CREATE INDEX jobs_title ON jobs (title);
CREATE INDEX jobs_salary_expr ON jobs ((salary * 2));
CREATE INDEX jobs_partial ON jobs (id) WHERE salary > 10;
CREATE VIEW company_names AS SELECT name FROM companies;
CREATE VIEW job_titles AS SELECT title FROM jobs;
-- @revision drop_column_with_dependents
ALTER TABLE jobs DROP COLUMN salary;
-- @revision drop_referenced_column
ALTER TABLE companies DROP COLUMN code CASCADE;
-- @revision drop_referenced_table
DROP TABLE companies CASCADE;
-- @revision drop_many
CREATE TABLE a (id INT PRIMARY KEY);
CREATE TABLE b (id INT PRIMARY KEY, a_id INT REFERENCES a);
DROP TABLE IF EXISTS b, a, no_such_table;
DROP VIEW IF EXISTS no_such_view, job_titles;
