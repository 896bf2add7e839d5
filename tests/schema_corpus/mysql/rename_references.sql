-- Renames that references follow: a table renamed (foreign keys of other
-- tables point at the new name), a column another table's foreign key
-- references (the key follows it).
-- @revision create
CREATE TABLE companies (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL, UNIQUE KEY (code));
CREATE TABLE jobs (id INT PRIMARY KEY, company_id INT, company_code VARCHAR(10),
    FOREIGN KEY (company_id) REFERENCES companies (id),
    FOREIGN KEY (company_code) REFERENCES companies (code));
-- @revision rename_column
ALTER TABLE companies RENAME COLUMN code TO short_code;
ALTER TABLE companies CHANGE id company_id INT NOT NULL;
-- @revision rename_table
RENAME TABLE companies TO employers;
ALTER TABLE jobs RENAME TO postings;
