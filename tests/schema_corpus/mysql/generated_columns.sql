-- Generated columns: VIRTUAL, STORED and MariaDB's PERSISTENT, added and
-- dropped.
-- @only mariadb
-- @revision create
CREATE TABLE prices (
    net INT NOT NULL,
    gross INT AS (net * 2),
    tax INT GENERATED ALWAYS AS (net / 10) VIRTUAL,
    total INT GENERATED ALWAYS AS (net + net / 10) STORED,
    label VARCHAR(20) AS (CONCAT('p', net)) PERSISTENT
);
-- @revision alter
ALTER TABLE prices ADD COLUMN half INT AS (net / 2) STORED;
ALTER TABLE prices DROP COLUMN tax;
