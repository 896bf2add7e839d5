DELETE FROM jobs WHERE company_id IN (
    SELECT id FROM companies WHERE name IN ('Acme Rockets', 'Globex')
);
DELETE FROM companies WHERE name IN ('Acme Rockets', 'Globex');
