UPDATE jobs SET salary_currency = 'USD' WHERE salary_currency IS NULL;
ALTER TABLE jobs ALTER COLUMN salary_currency SET DEFAULT 'USD';
ALTER TABLE jobs ALTER COLUMN salary_currency SET NOT NULL;
