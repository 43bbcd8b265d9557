-- +goose Up
-- SQLite twin of postgres/00013: whether a partnership lets its viewers read its restricted
-- reviews; off by default.
ALTER TABLE partnerships ADD COLUMN viewers_see_restricted integer NOT NULL DEFAULT 0 CHECK (viewers_see_restricted IN (0, 1));

-- +goose Down
ALTER TABLE partnerships DROP COLUMN viewers_see_restricted;
