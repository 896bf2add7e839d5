-- Data migration: the demo board starts with two companies and their jobs.
INSERT INTO companies (name, website) VALUES
    ('Acme Rockets', 'https://acme.example'),
    ('Globex', 'https://globex.example');

INSERT INTO jobs (company_id, title, description, location, salary_min, salary_max)
SELECT id, 'Propulsion Engineer', 'Design and test rocket engines.', 'Remote', 90000, 130000
FROM companies WHERE name = 'Acme Rockets';

INSERT INTO jobs (company_id, title, description, location, salary_min, salary_max)
SELECT id, 'Support Specialist', 'Help customers launch safely.', 'Springfield', 45000, 60000
FROM companies WHERE name = 'Acme Rockets';

INSERT INTO jobs (company_id, title, description, location, salary_min, salary_max)
SELECT id, 'Data Analyst', 'Turn sales figures into plans.', 'Cypress Creek', 70000, 95000
FROM companies WHERE name = 'Globex';
