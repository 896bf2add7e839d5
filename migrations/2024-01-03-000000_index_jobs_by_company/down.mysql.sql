-- MySQL's DROP INDEX needs the table.
DROP INDEX jobs_company_id_posted_at_idx ON jobs;
