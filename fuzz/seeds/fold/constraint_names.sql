-- The names PostgreSQL gives constraints and indexes the SQL leaves
-- unnamed (makeObjectName): pkey, key, check, fkey, idx; numbered on a
-- clash; cut to 63 bytes, the longer part first.
-- @revision parents
CREATE TABLE companies (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT UNIQUE,
    country CHAR(2) CHECK (country <> ''),
    CHECK (length(name) > 0 AND length(slug) > 0),
    UNIQUE (name, country)
);
-- @revision children
CREATE TABLE jobs (
    id INT,
    company_id INT NOT NULL REFERENCES companies,
    backup_company_id INT REFERENCES companies (id) ON DELETE SET NULL ON UPDATE CASCADE,
    title VARCHAR(200) NOT NULL,
    salary INT CONSTRAINT salary_positive CHECK (salary > 0),
    CONSTRAINT jobs_pk PRIMARY KEY (id),
    FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
    UNIQUE (title), UNIQUE (title)
);
CREATE INDEX ON jobs (title);
CREATE INDEX ON jobs (title);
CREATE INDEX ON jobs (lower(title), company_id, upper(title));
-- @revision long_names
CREATE TABLE a_table_name_that_is_quite_long_for_postgres_identifiers_really (
    a_column_name_that_is_also_long_enough_to_need_cutting INT UNIQUE,
    other INT CHECK (other > 0),
    PRIMARY KEY (other)
);
CREATE INDEX ON a_table_name_that_is_quite_long_for_postgres_identifiers_really (a_column_name_that_is_also_long_enough_to_need_cutting, other);
-- @revision multi_column_fk
CREATE TABLE pairs (a INT, b INT, PRIMARY KEY (a, b));
CREATE TABLE pair_refs (x INT, y INT, FOREIGN KEY (x, y) REFERENCES pairs (a, b), FOREIGN KEY (x, y) REFERENCES pairs);
