-- Backtick-quoted and mixed-case names (table names keep their case,
-- column names compare without it), keywords as names, several statements
-- on one line, `#`, `--` and `/* */` comments, strings with `;` and
-- backslash escapes.
-- @revision quoted
CREATE TABLE `Jobs` (`Id` INT PRIMARY KEY, `Title` VARCHAR(100) NOT NULL, `select` INT, `with space` TEXT, `order` INT);
CREATE TABLE jobs (id INT PRIMARY KEY);
ALTER TABLE `Jobs` ADD COLUMN `Extra` INT, ADD INDEX `Jobs_Title` (`title`);
ALTER TABLE Jobs RENAME COLUMN extra TO `More`;
CREATE INDEX `idx with space` ON `Jobs` (`with space`(10));
-- @revision layout
CREATE TABLE a (x INT); CREATE TABLE b (y INT); ALTER TABLE a ADD COLUMN z TEXT; DROP TABLE b;
CREATE /* inline */ TABLE -- trailing
  c ( # the columns
    x INT /* not null? no */ , -- x
    y /* between name and type */ TEXT
  ) ; # done
/* a block comment; CREATE TABLE ghost (x INT); */
INSERT INTO c (x, y) VALUES (1, 'semi;colon'), (2, 'it\'s; escaped'), (3, "double; quoted");
-- @revision data_and_settings
SET NAMES utf8mb4;
SET @x = 1;
SET SESSION sql_mode = 'STRICT_TRANS_TABLES';
INSERT INTO a (x) VALUES (1);
UPDATE a SET z = 'y' WHERE x = 1;
DELETE FROM a WHERE x = 2;
REPLACE INTO a (x) VALUES (3);
LOCK TABLES a WRITE;
UNLOCK TABLES;
ANALYZE TABLE a;
OPTIMIZE TABLE a;
