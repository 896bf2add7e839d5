-- Foreign keys as SQLite records them: to named columns or to the
-- primary key (no columns), composite, self-referencing, with every
-- action, inline and as table constraints, and named.
-- @revision create
CREATE TABLE companies (id INTEGER PRIMARY KEY, code TEXT NOT NULL, region TEXT NOT NULL, UNIQUE (code, region));
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    company_id INTEGER REFERENCES companies,
    parent_id INTEGER REFERENCES jobs (id) ON DELETE SET NULL ON UPDATE CASCADE,
    code TEXT,
    region TEXT,
    CONSTRAINT jobs_company_code FOREIGN KEY (code, region) REFERENCES companies (code, region) ON DELETE RESTRICT,
    FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE SET DEFAULT DEFERRABLE INITIALLY DEFERRED
);
-- @revision rename_referenced
ALTER TABLE companies RENAME COLUMN code TO short_code;
ALTER TABLE companies RENAME TO employers;
