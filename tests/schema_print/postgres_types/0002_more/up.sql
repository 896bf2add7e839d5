CREATE TABLE comments (id INT PRIMARY KEY, post_id BIGINT REFERENCES posts(id), body TEXT);
ALTER TABLE comments ADD COLUMN "table" INT;
