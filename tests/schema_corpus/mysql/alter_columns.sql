-- ALTER TABLE on columns: ADD (FIRST / AFTER, several at once), DROP,
-- CHANGE (rename, retype, move), MODIFY (retype, move), RENAME COLUMN,
-- ALTER COLUMN SET / DROP DEFAULT, RENAME TO and RENAME TABLE.
-- @revision create
CREATE TABLE jobs (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, title VARCHAR(100) NOT NULL, salary INT, legacy TEXT, INDEX (title));
-- @revision add
ALTER TABLE jobs ADD COLUMN currency CHAR(3) NOT NULL DEFAULT 'EUR' AFTER salary;
ALTER TABLE jobs ADD COLUMN sort_key INT FIRST;
ALTER TABLE jobs ADD remote TINYINT(1) NOT NULL DEFAULT 0, ADD COLUMN views BIGINT UNSIGNED NOT NULL DEFAULT 0 AFTER title;
ALTER TABLE jobs ADD COLUMN (a INT, b INT);
-- @revision drop
ALTER TABLE jobs DROP COLUMN legacy;
ALTER TABLE jobs DROP sort_key, DROP COLUMN a;
-- @revision change_and_modify
ALTER TABLE jobs CHANGE COLUMN title name VARCHAR(300) NOT NULL;
ALTER TABLE jobs CHANGE salary pay BIGINT NULL AFTER id;
ALTER TABLE jobs MODIFY COLUMN currency VARCHAR(3) NULL;
ALTER TABLE jobs MODIFY remote BOOLEAN NOT NULL DEFAULT 1 FIRST;
ALTER TABLE jobs MODIFY COLUMN b INT AFTER views, MODIFY views INT NOT NULL;
-- @revision rename_and_defaults
ALTER TABLE jobs RENAME COLUMN pay TO salary;
ALTER TABLE jobs ALTER COLUMN currency SET DEFAULT 'USD';
ALTER TABLE jobs ALTER salary DROP DEFAULT;
ALTER TABLE jobs ALTER COLUMN remote DROP DEFAULT;
-- @revision rename_tables
CREATE TABLE companies (id INT PRIMARY KEY);
ALTER TABLE jobs RENAME TO postings;
RENAME TABLE postings TO jobs, companies TO employers;
ALTER TABLE employers RENAME AS firms;
