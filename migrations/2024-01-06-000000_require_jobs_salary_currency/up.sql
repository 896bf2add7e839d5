-- Backfill, then make salary_currency NOT NULL. SQLite cannot change a
-- column's nullability with ALTER TABLE, so the table is rebuilt ("move and
-- copy"): create the new shape, copy the rows, swap the tables, recreate the
-- index.
UPDATE jobs SET salary_currency = 'USD' WHERE salary_currency IS NULL;

CREATE TABLE _lithify_new_jobs (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    salary_min INTEGER,
    salary_max INTEGER,
    posted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    salary_currency VARCHAR(3) NOT NULL DEFAULT 'USD'
);

INSERT INTO _lithify_new_jobs
    (id, company_id, title, description, location, salary_min, salary_max, posted_at, salary_currency)
SELECT id, company_id, title, description, location, salary_min, salary_max, posted_at, salary_currency
FROM jobs;

DROP TABLE jobs;
ALTER TABLE _lithify_new_jobs RENAME TO jobs;
CREATE INDEX jobs_company_id_posted_at_idx ON jobs (company_id, posted_at);
