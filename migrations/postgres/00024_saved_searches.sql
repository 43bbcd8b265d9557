-- +goose Up
-- Saved searches and follows (issue 18 §3). A saved search is a person's search (the query
-- string of GET /api/v1/search: q, filters, flag, sort), kept under a name. A watched one is
-- evaluated by the scheduler: checked_seq is the change-journal sequence it was last evaluated
-- up to (its high-water mark), so each change is matched, and alerted, once.
CREATE TABLE saved_searches (
    id          uuid        PRIMARY KEY,
    owner_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    query       text        NOT NULL,
    watch       boolean     NOT NULL DEFAULT false,
    checked_seq bigint      NOT NULL DEFAULT 0,
    checked_at  timestamptz NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX saved_searches_owner ON saved_searches (owner_id, created_at);
CREATE INDEX saved_searches_watch ON saved_searches (watch);

-- A person following one recommendation or review, as on an issue tracker: they are told of
-- its changes. The subject is not a foreign key (it is one of two tables); a deleted subject's
-- follows are left behind and tell nobody anything.
CREATE TABLE follows (
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_type text        NOT NULL CHECK (subject_type IN ('recommendation', 'review')),
    subject_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (user_id, subject_type, subject_id)
);
CREATE INDEX follows_subject ON follows (subject_type, subject_id);

-- How far a scheduler job has read a sequence (the follow job: the audit trail).
CREATE TABLE alert_marks (
    name text   PRIMARY KEY,
    seq  bigint NOT NULL
);

-- +goose Down
DROP TABLE alert_marks;
DROP TABLE follows;
DROP TABLE saved_searches;
