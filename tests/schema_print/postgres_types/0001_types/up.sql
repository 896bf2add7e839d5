CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE DOMAIN short_text AS VARCHAR(12);
CREATE TABLE "Users" (
    id SERIAL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "display name" VARCHAR(40),
    moods mood[] NOT NULL,
    current_mood mood,
    tags VARCHAR(10)[],
    nick short_text,
    score NUMERIC(10, 2),
    seen_at TIMESTAMPTZ DEFAULT now(),
    uid UUID,
    doc JSONB,
    raw BYTEA,
    search TSVECTOR,
    addr INET,
    span INTERVAL,
    price MONEY,
    code CHAR(2),
    bits BIT(3),
    big BIGINT GENERATED ALWAYS AS IDENTITY,
    doubled INT GENERATED ALWAYS AS (id * 2) STORED
);
COMMENT ON TABLE "Users" IS 'People.
Second line';
COMMENT ON COLUMN "Users".nick IS 'What friends say';
CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    author_id INT NOT NULL REFERENCES "Users" (id),
    editor_id INT REFERENCES "Users" (id),
    parent_id BIGINT REFERENCES posts (id),
    title TEXT NOT NULL
);
CREATE TABLE tags (name TEXT PRIMARY KEY);
CREATE TABLE post_tags (
    post_id BIGINT NOT NULL REFERENCES posts (id),
    tag TEXT NOT NULL REFERENCES tags (name),
    PRIMARY KEY (post_id, tag)
);
CREATE TABLE logs (line TEXT PRIMARY KEY);
CREATE SCHEMA archive;
CREATE TABLE archive.old (id INT PRIMARY KEY);
