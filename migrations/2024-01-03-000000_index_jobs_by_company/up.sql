-- The job board lists a company's newest postings first.
CREATE INDEX jobs_company_id_posted_at_idx ON jobs (company_id, posted_at);
