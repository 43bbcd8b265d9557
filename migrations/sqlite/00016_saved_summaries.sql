-- +goose Up
-- SQLite twin of postgres/00016: saved thematic summary definitions, one owner each.
CREATE TABLE saved_summaries (
    id         text     PRIMARY KEY,
    owner_id   text     NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      text     NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    definition text     NOT NULL,
    created_at datetime NOT NULL,
    updated_at datetime NOT NULL
);
CREATE INDEX saved_summaries_owner ON saved_summaries (owner_id, created_at);

-- +goose Down
DROP TABLE saved_summaries;
