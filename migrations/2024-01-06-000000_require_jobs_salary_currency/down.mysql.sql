ALTER TABLE jobs MODIFY salary_currency VARCHAR(3) NULL;
