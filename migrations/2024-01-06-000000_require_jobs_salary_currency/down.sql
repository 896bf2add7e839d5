-- Back to a nullable salary_currency: the same move-and-copy rebuild.
CREATE TABLE _lithify_new_jobs (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT,
    salary_min INTEGER,
    salary_max INTEGER,
    posted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    salary_currency VARCHAR(3)
);

INSERT INTO _lithify_new_jobs
    (id, company_id, title, description, location, salary_min, salary_max, posted_at, salary_currency)
SELECT id, company_id, title, description, location, salary_min, salary_max, posted_at, salary_currency
FROM jobs;

DROP TABLE jobs;
ALTER TABLE _lithify_new_jobs RENAME TO jobs;
CREATE INDEX jobs_company_id_posted_at_idx ON jobs (company_id, posted_at);
