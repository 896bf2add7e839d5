-- Keys through ALTER TABLE: ADD INDEX / KEY / UNIQUE / FOREIGN KEY (an
-- unnamed one is <table>_ibfk_<n>, and gets an index unless one covers
-- it), DROP FOREIGN KEY (its index stays), DROP INDEX / KEY, DROP and ADD
-- PRIMARY KEY, RENAME INDEX, ADD and DROP CHECK constraints.
-- @revision create
CREATE TABLE companies (id INT NOT NULL, code VARCHAR(10) NOT NULL, PRIMARY KEY (id), UNIQUE (code));
CREATE TABLE jobs (id INT NOT NULL, company_id INT, company_code VARCHAR(10), title VARCHAR(100), salary INT);
-- @revision add_keys
ALTER TABLE jobs ADD PRIMARY KEY (id);
ALTER TABLE jobs ADD INDEX (title), ADD UNIQUE KEY jobs_code (company_code, title);
ALTER TABLE jobs ADD FOREIGN KEY (company_id) REFERENCES companies (id);
ALTER TABLE jobs ADD CONSTRAINT jobs_company_code FOREIGN KEY (company_code) REFERENCES companies (code) ON DELETE CASCADE;
ALTER TABLE jobs ADD CONSTRAINT FOREIGN KEY (company_id) REFERENCES companies (id);
ALTER TABLE jobs ADD KEY jobs_salary (salary), ADD UNIQUE INDEX (salary);
ALTER TABLE jobs ADD CONSTRAINT salary_positive CHECK (salary > 0);
-- @revision drop_keys
ALTER TABLE jobs DROP FOREIGN KEY jobs_ibfk_1;
ALTER TABLE jobs DROP FOREIGN KEY jobs_ibfk_2;
ALTER TABLE jobs DROP INDEX title, DROP KEY salary;
ALTER TABLE jobs DROP CONSTRAINT salary_positive;
ALTER TABLE jobs ADD CONSTRAINT salary_small CHECK (salary < 1000000);
ALTER TABLE jobs DROP CONSTRAINT salary_small;
-- @revision rename_index
ALTER TABLE jobs RENAME INDEX jobs_salary TO jobs_by_salary;
ALTER TABLE jobs RENAME KEY jobs_code TO jobs_by_code;
-- @revision swap_primary_key
ALTER TABLE jobs DROP PRIMARY KEY, ADD PRIMARY KEY (id, company_code);
