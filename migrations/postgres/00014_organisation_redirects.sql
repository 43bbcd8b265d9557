-- +goose Up
-- Merging duplicate organisations (issue 14 item 6): the merged organisation is deleted and its
-- records move to the survivor; its id keeps answering with the survivor's through this table
-- (GET /api/v1/organisations/{merged id} is a 308 to the survivor). When a survivor is itself
-- merged later, the rows pointing at it are pointed on, so no chain is ever longer than one.
CREATE TABLE organisation_redirects (
    from_id   uuid        PRIMARY KEY,
    to_id     uuid        NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    merged_at timestamptz NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE INDEX organisation_redirects_to ON organisation_redirects (to_id);

-- +goose Down
DROP TABLE organisation_redirects;
