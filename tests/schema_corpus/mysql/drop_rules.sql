-- What goes with a dropped column or table on MySQL: the column leaves
-- every index (an index left empty goes), its own CHECK goes with it; a
-- table dropped with FOREIGN_KEY_CHECKS off leaves the foreign keys to
-- it in place; CASCADE on DROP TABLE does nothing.
-- @revision create
CREATE TABLE companies (id INT PRIMARY KEY, name VARCHAR(100));
CREATE TABLE jobs (
    id INT PRIMARY KEY,
    company_id INT,
    a INT, b INT, c INT,
    salary INT CHECK (salary > 0),
    KEY ab (a, b),
    KEY just_c (c),
    UNIQUE KEY c_unique (c),
    CONSTRAINT jobs_company FOREIGN KEY (company_id) REFERENCES companies (id)
);
CREATE VIEW company_names AS SELECT name FROM companies;
-- @revision drop_columns
ALTER TABLE jobs DROP COLUMN b;
ALTER TABLE jobs DROP COLUMN c, DROP COLUMN salary;
-- @revision drop_referenced_table
SET FOREIGN_KEY_CHECKS = 0;
DROP TABLE companies CASCADE;
SET FOREIGN_KEY_CHECKS = 1;
DROP TABLE IF EXISTS no_such_table, other_missing;
DROP VIEW IF EXISTS no_such_view;
