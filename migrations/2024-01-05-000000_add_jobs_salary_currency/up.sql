-- Nullable first: existing rows have no currency yet (the next revision
-- backfills them and makes the column NOT NULL).
ALTER TABLE jobs ADD COLUMN salary_currency VARCHAR(3);
