-- +goose Up
-- SQLite twin of postgres/00014: where a merged organisation's id now leads.
CREATE TABLE organisation_redirects (
    from_id   text     PRIMARY KEY,
    to_id     text     NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    merged_at datetime NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE INDEX organisation_redirects_to ON organisation_redirects (to_id);

-- +goose Down
DROP TABLE organisation_redirects;
