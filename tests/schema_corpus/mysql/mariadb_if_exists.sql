-- MariaDB's IF [NOT] EXISTS everywhere (ALTER TABLE IF EXISTS, ADD COLUMN
-- IF NOT EXISTS, DROP COLUMN / INDEX / FOREIGN KEY IF EXISTS, CREATE INDEX
-- IF NOT EXISTS) and CREATE OR REPLACE TABLE.
-- @only mariadb
-- @revision create
CREATE TABLE companies (id INT PRIMARY KEY);
CREATE TABLE jobs (id INT PRIMARY KEY, title VARCHAR(100), company_id INT, CONSTRAINT jobs_company FOREIGN KEY (company_id) REFERENCES companies (id));
-- @revision if_exists
ALTER TABLE IF EXISTS no_such_table ADD COLUMN x INT;
ALTER TABLE jobs ADD COLUMN IF NOT EXISTS title VARCHAR(5), ADD COLUMN IF NOT EXISTS salary INT;
ALTER TABLE jobs DROP COLUMN IF EXISTS no_such_column;
CREATE INDEX IF NOT EXISTS jobs_title ON jobs (title);
CREATE INDEX IF NOT EXISTS jobs_title ON jobs (salary);
ALTER TABLE jobs DROP INDEX IF EXISTS no_such_index, DROP FOREIGN KEY IF EXISTS no_such_fk;
ALTER TABLE jobs DROP FOREIGN KEY IF EXISTS jobs_company;
DROP INDEX IF EXISTS jobs_title ON jobs;
-- @revision create_or_replace
CREATE OR REPLACE TABLE companies (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);
CREATE TABLE IF NOT EXISTS companies (other INT);
