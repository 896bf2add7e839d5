-- CREATE TABLE as SQLite projects write it: declared types kept as
-- written (any text, or none), primary keys inline and composite, UNIQUE,
-- CHECK, foreign keys with actions, defaults, AUTOINCREMENT, WITHOUT
-- ROWID, generated columns, IF NOT EXISTS, TEMP tables.
-- @revision create
CREATE TABLE companies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    slug VARCHAR(80) NOT NULL DEFAULT '',
    country CHAR(2) CHECK (length(country) = 2),
    founded DATE,
    rating REAL DEFAULT 0.0,
    revenue NUMERIC(12, 2),
    logo BLOB,
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (slug, country)
);
CREATE TABLE jobs (
    id INTEGER NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES jobs,
    title VARCHAR(255) NOT NULL,
    salary BIGINT,
    currency TEXT DEFAULT 'EUR' CHECK (currency IN ('EUR', 'USD')),
    PRIMARY KEY (id),
    FOREIGN KEY (company_id) REFERENCES companies (id) ON UPDATE SET NULL
);
-- @revision odd_types
CREATE TABLE odd (
    a,
    b INT,
    c UNSIGNED BIG INT,
    d DOUBLE PRECISION,
    e NATIVE CHARACTER(70),
    f VARYING CHARACTER(255),
    g DATETIME,
    h JSON,
    i UUID,
    j DECIMAL(10,5),
    k MEDIUMINT,
    l TINYINT(1)
);
-- @revision keys_and_options
CREATE TABLE pairs (a TEXT, b TEXT, c INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE tags (name TEXT PRIMARY KEY, UNIQUE (name), UNIQUE (name));
CREATE TABLE counters (id INTEGER PRIMARY KEY UNIQUE, n INTEGER UNIQUE, m INTEGER, UNIQUE (m), UNIQUE (m, n));
CREATE TABLE IF NOT EXISTS tags (other TEXT);
CREATE TABLE IF NOT EXISTS fresh (x INTEGER);
CREATE TEMP TABLE scratch (x INTEGER);
CREATE TEMPORARY TABLE scratch2 (x INTEGER);
-- @revision generated
CREATE TABLE prices (
    net INTEGER NOT NULL,
    gross INTEGER GENERATED ALWAYS AS (net * 2) STORED,
    tax INTEGER AS (net / 10) VIRTUAL,
    label TEXT AS ('p' || net)
);
