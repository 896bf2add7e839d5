-- CREATE TABLE as MySQL projects write it: inline KEY / INDEX / UNIQUE KEY
-- / FULLTEXT / FOREIGN KEY clauses (unnamed ones named as InnoDB names
-- them), table options, column and table comments, AUTO_INCREMENT,
-- UNSIGNED and ZEROFILL, ENUM and SET, ON UPDATE, SERIAL, BOOLEAN, and a
-- REFERENCES on a column (MySQL ignores it, MariaDB makes a foreign key).
-- @revision create
CREATE TABLE companies (
    id INT UNSIGNED NOT NULL AUTO_INCREMENT,
    name VARCHAR(255) NOT NULL COMMENT 'the legal name',
    slug VARCHAR(80) NOT NULL DEFAULT '',
    country CHAR(2),
    employees MEDIUMINT UNSIGNED ZEROFILL,
    founded YEAR,
    revenue DECIMAL(15, 2) DEFAULT 0.00,
    rating FLOAT,
    score DOUBLE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    kind ENUM('startup', 'corp') NOT NULL DEFAULT 'startup',
    tags SET('a', 'b', 'c'),
    logo MEDIUMBLOB,
    about LONGTEXT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NULL DEFAULT NULL ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY companies_slug (slug),
    UNIQUE (name, country),
    KEY (country),
    INDEX by_created (created_at DESC),
    FULLTEXT KEY about_text (about)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci AUTO_INCREMENT=100 COMMENT='Companies that post jobs';
CREATE TABLE jobs (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    company_id INT UNSIGNED NOT NULL,
    backup_company_id INT UNSIGNED REFERENCES companies (id),
    other_company_id INT UNSIGNED,
    title VARCHAR(200) NOT NULL,
    code CHAR(8) UNIQUE,
    FOREIGN KEY (company_id) REFERENCES companies (id) ON DELETE CASCADE,
    CONSTRAINT jobs_other FOREIGN KEY (other_company_id) REFERENCES companies (id) ON DELETE SET NULL ON UPDATE CASCADE,
    KEY jobs_title (title(50))
) ENGINE=InnoDB;
-- @revision shorthand_types
CREATE TABLE serials (id SERIAL, n INTEGER, b BOOL, t TINYINT(1), big BIGINT(20) UNSIGNED, d NUMERIC(8, 2), r REAL, c CHAR, bin BINARY(16), vb VARBINARY(32), bits BIT(4), tx TEXT, tt TINYTEXT, dt DATE, tm TIME(3));
-- @revision if_not_exists_and_temporary
CREATE TABLE IF NOT EXISTS jobs (other INT);
CREATE TEMPORARY TABLE scratch (x INT);
CREATE TABLE IF NOT EXISTS fresh (x INT PRIMARY KEY);
