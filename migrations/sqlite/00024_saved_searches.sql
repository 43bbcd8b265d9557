-- +goose Up
-- SQLite twin of postgres/00024: saved searches (with their high-water mark), follows, and the
-- follow job's mark.
CREATE TABLE saved_searches (
    id          text     PRIMARY KEY,
    owner_id    text     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text     NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    query       text     NOT NULL,
    watch       boolean  NOT NULL DEFAULT false,
    checked_seq integer  NOT NULL DEFAULT 0,
    checked_at  datetime NOT NULL,
    created_at  datetime NOT NULL,
    updated_at  datetime NOT NULL
);
CREATE INDEX saved_searches_owner ON saved_searches (owner_id, created_at);
CREATE INDEX saved_searches_watch ON saved_searches (watch);

CREATE TABLE follows (
    user_id      text     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_type text     NOT NULL CHECK (subject_type IN ('recommendation', 'review')),
    subject_id   text     NOT NULL,
    created_at   datetime NOT NULL,
    PRIMARY KEY (user_id, subject_type, subject_id)
);
CREATE INDEX follows_subject ON follows (subject_type, subject_id);

CREATE TABLE alert_marks (
    name text    PRIMARY KEY,
    seq  integer NOT NULL
);

-- +goose Down
DROP TABLE alert_marks;
DROP TABLE follows;
DROP TABLE saved_searches;
