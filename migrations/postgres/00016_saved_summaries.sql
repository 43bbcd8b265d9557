-- +goose Up
-- Saved thematic summaries (issue 12 item 1): an oversight officer's summary definition (the
-- builder's address query: title, period, comparison, filters, key findings, sections), kept to
-- be run again later with the data of the day. Only its owner (and admins) see it.
CREATE TABLE saved_summaries (
    id         uuid        PRIMARY KEY,
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    definition text        NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX saved_summaries_owner ON saved_summaries (owner_id, created_at);

-- +goose Down
DROP TABLE saved_summaries;
