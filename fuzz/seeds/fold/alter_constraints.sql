-- ALTER TABLE on constraints: add (named, unnamed, NOT VALID, USING INDEX),
-- validate, rename, drop (IF EXISTS), primary keys added and dropped.
-- @revision create
CREATE TABLE companies (id INT NOT NULL, name TEXT, country TEXT);
CREATE TABLE jobs (id INT, company_id INT, title TEXT, salary INT);
-- @revision add
ALTER TABLE companies ADD PRIMARY KEY (id);
ALTER TABLE companies ADD CONSTRAINT companies_name_unique UNIQUE (name);
ALTER TABLE companies ADD UNIQUE (country, name);
ALTER TABLE jobs ADD CONSTRAINT jobs_pk PRIMARY KEY (id);
ALTER TABLE jobs ADD FOREIGN KEY (company_id) REFERENCES companies;
ALTER TABLE jobs ADD CONSTRAINT jobs_company_fk FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE RESTRICT NOT VALID;
ALTER TABLE jobs ADD CHECK (salary > 0);
ALTER TABLE jobs ADD CONSTRAINT title_present CHECK (title <> '') NOT VALID;
ALTER TABLE jobs ADD CHECK (salary < 1000000 AND title IS NOT NULL);
-- @revision validate_and_rename
ALTER TABLE jobs VALIDATE CONSTRAINT jobs_company_fk;
ALTER TABLE jobs VALIDATE CONSTRAINT title_present;
ALTER TABLE jobs RENAME CONSTRAINT title_present TO jobs_title_present;
ALTER TABLE companies RENAME CONSTRAINT companies_name_unique TO companies_name_key;
ALTER TABLE jobs RENAME CONSTRAINT jobs_pk TO jobs_pkey;
-- @revision drop
ALTER TABLE jobs DROP CONSTRAINT jobs_company_id_fkey;
ALTER TABLE jobs DROP CONSTRAINT IF EXISTS no_such_constraint;
ALTER TABLE jobs DROP CONSTRAINT jobs_check, DROP CONSTRAINT jobs_salary_check;
ALTER TABLE companies DROP CONSTRAINT companies_country_name_key;
-- @revision using_index
CREATE UNIQUE INDEX companies_country_idx ON companies (country);
ALTER TABLE companies ADD CONSTRAINT companies_country_key UNIQUE USING INDEX companies_country_idx;
CREATE TABLE tags (name TEXT NOT NULL);
CREATE UNIQUE INDEX tags_name_idx ON tags (name);
ALTER TABLE tags ADD PRIMARY KEY USING INDEX tags_name_idx;
-- @revision swap_primary_key
ALTER TABLE companies DROP CONSTRAINT companies_pkey CASCADE;
ALTER TABLE companies ADD PRIMARY KEY (id, country);
-- @revision deferrable
ALTER TABLE jobs ADD CONSTRAINT jobs_title_uq UNIQUE (title) DEFERRABLE INITIALLY DEFERRED;
