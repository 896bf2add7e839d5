-- Renaming tables: ALTER TABLE RENAME TO (IF EXISTS), foreign keys of other
-- tables follow; renaming a column another table's foreign key references.
-- @revision create
CREATE TABLE companies (id SERIAL PRIMARY KEY, name TEXT UNIQUE);
CREATE TABLE jobs (id SERIAL PRIMARY KEY, company_id INT REFERENCES companies (id), company_name TEXT REFERENCES companies (name));
-- @revision rename_table
ALTER TABLE companies RENAME TO employers;
ALTER TABLE IF EXISTS no_such_table RENAME TO whatever;
ALTER TABLE IF EXISTS jobs RENAME TO postings;
-- @revision rename_referenced_column
ALTER TABLE employers RENAME COLUMN name TO title;
ALTER TABLE employers RENAME COLUMN id TO employer_id;
-- @revision constraint_names_stay
-- The constraints keep the names they were given under the old names.
ALTER TABLE postings ADD COLUMN extra INT UNIQUE;
