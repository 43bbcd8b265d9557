-- +goose Up
-- SQLite twin of postgres/00021: recurrence clusters (issue 17 §1).
CREATE TABLE recurrence_members (
    recommendation_id text PRIMARY KEY REFERENCES recommendations (id) ON DELETE CASCADE,
    cluster_id        text NOT NULL,
    updated_at        datetime NOT NULL
);
CREATE INDEX recurrence_members_cluster ON recurrence_members (cluster_id);

CREATE TABLE recurrence_state (
    id          integer PRIMARY KEY CHECK (id = 1),
    applied_seq integer NOT NULL
);

-- +goose Down
DROP TABLE recurrence_state;
DROP TABLE recurrence_members;
