-- Job postings, each owned by a company. The foreign key gets its own named
-- index: otherwise InnoDB reuses the later (company_id, posted_at) index for it
-- and that index could never be dropped again.
CREATE TABLE jobs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id BIGINT NOT NULL,
    title VARCHAR(255) NOT NULL,
    description TEXT NOT NULL,
    location VARCHAR(255),
    salary_min INTEGER,
    salary_max INTEGER,
    posted_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    KEY jobs_company_id_idx (company_id),
    CONSTRAINT jobs_company_id_fkey FOREIGN KEY (company_id)
        REFERENCES companies (id) ON DELETE CASCADE
);
