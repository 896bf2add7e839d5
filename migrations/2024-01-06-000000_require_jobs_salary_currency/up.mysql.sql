UPDATE jobs SET salary_currency = 'USD' WHERE salary_currency IS NULL;
ALTER TABLE jobs MODIFY salary_currency VARCHAR(3) NOT NULL DEFAULT 'USD';
