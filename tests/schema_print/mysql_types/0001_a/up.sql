CREATE TABLE users (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) NOT NULL COMMENT 'display name',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  status ENUM('new','done') NOT NULL,
  flags SET('a','b'),
  born YEAR,
  seen DATETIME(6),
  score DECIMAL(10,2),
  d DOUBLE,
  f FLOAT,
  m MEDIUMINT,
  t TINYINT,
  s SMALLINT UNSIGNED,
  b BIGINT,
  code CHAR(2),
  bin BINARY(16),
  vb VARBINARY(100),
  blobby BLOB,
  txt MEDIUMTEXT,
  tm TIME,
  dt DATE,
  ts TIMESTAMP NULL,
  bits BIT(3)
) COMMENT='people';
CREATE TABLE posts (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  author_id INT UNSIGNED NOT NULL,
  editor_id INT UNSIGNED,
  title VARCHAR(200) NOT NULL,
  KEY posts_title (title),
  CONSTRAINT posts_author FOREIGN KEY (author_id) REFERENCES users (id),
  FOREIGN KEY (editor_id) REFERENCES users (id)
);
CREATE TABLE comments (id INT PRIMARY KEY, post_id BIGINT NOT NULL, body TEXT, FOREIGN KEY (post_id) REFERENCES posts(id));
CREATE TABLE tags (name VARCHAR(20) PRIMARY KEY);
