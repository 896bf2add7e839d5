ALTER TABLE jobs DROP COLUMN salary_currency;
