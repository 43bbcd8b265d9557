-- +goose Up
-- Recurrence clusters (issue 17 §1): recommendations that ask for substantially the same thing,
-- grouped by internal/recurrence. A cluster is named by the id of the recommendation that
-- started it (its earliest member when it was formed); cluster_id is not a foreign key, so a
-- cluster keeps its name when that recommendation is deleted. Kept by a follower of the change
-- journal (recurrence_state.applied_seq is how far it has read) and rebuilt in full by
-- `casereview recurrence rebuild`.
CREATE TABLE recurrence_members (
    recommendation_id uuid        PRIMARY KEY REFERENCES recommendations (id) ON DELETE CASCADE,
    cluster_id        uuid        NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX recurrence_members_cluster ON recurrence_members (cluster_id);

CREATE TABLE recurrence_state (
    id          integer PRIMARY KEY CHECK (id = 1),
    applied_seq bigint  NOT NULL
);

-- +goose Down
DROP TABLE recurrence_state;
DROP TABLE recurrence_members;
