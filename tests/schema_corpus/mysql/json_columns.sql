-- JSON columns: MySQL 8 keeps the type; MariaDB stores LONGTEXT with a
-- CHECK (json_valid(col)) named after the column. The model keeps `json`
-- and the verification reads MariaDB's form back as JSON.
-- @revision create
CREATE TABLE documents (id INT PRIMARY KEY, body JSON NOT NULL, meta JSON, note TEXT);
-- @revision alter
ALTER TABLE documents ADD COLUMN extra JSON;
ALTER TABLE documents MODIFY COLUMN note JSON;
ALTER TABLE documents DROP COLUMN meta;
ALTER TABLE documents CHANGE COLUMN extra attributes JSON NOT NULL DEFAULT '{}';
