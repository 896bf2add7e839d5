-- What goes with a dropped column or table on SQLite: a column's own CHECK
-- goes with it; a dropped table referenced by another table's foreign key
-- leaves the foreign key as written; IF EXISTS on missing tables.
-- @revision create
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE jobs (id INTEGER PRIMARY KEY, company_id INTEGER REFERENCES companies (id), salary INTEGER CHECK (salary > 0), note TEXT, extra TEXT DEFAULT 'x');
-- @revision drop_columns
ALTER TABLE jobs DROP COLUMN salary;
ALTER TABLE jobs DROP COLUMN note;
-- @revision drop_referenced_table
DROP TABLE companies;
DROP TABLE IF EXISTS companies;
DROP TABLE IF EXISTS main.no_such_table;
-- @revision recreate_referenced_table
CREATE TABLE companies (id INTEGER PRIMARY KEY, name TEXT, country TEXT);
