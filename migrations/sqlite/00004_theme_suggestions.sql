-- +goose Up
-- Theme suggestions (DESIGN §5): keywords suggest themes and a person confirms or rejects each.
-- An accepted suggestion is a theme assignment with source 'suggested' that records who
-- confirmed it and when; a rejected one is remembered so that it is not suggested again for that
-- recommendation. Suggestions themselves are computed from the current text and never stored.
-- SQLite cannot add a CHECK constraint to an existing table, so the rule PostgreSQL keeps in
-- theme_assignments_confirmed is kept here by the store alone.

ALTER TABLE theme_assignments ADD COLUMN confirmed_by text;      -- user id; null for the system
ALTER TABLE theme_assignments ADD COLUMN confirmed_by_name text;
ALTER TABLE theme_assignments ADD COLUMN confirmed_at datetime;

CREATE TABLE theme_suggestion_rejections (
    recommendation_id text     NOT NULL REFERENCES recommendations (id) ON DELETE CASCADE,
    theme_code        text     NOT NULL REFERENCES themes (code),
    reason            text     NOT NULL,
    rejected_by       text,                                          -- user id; null for the system
    rejected_by_name  text     NOT NULL,
    rejected_at       datetime NOT NULL,
    PRIMARY KEY (recommendation_id, theme_code)
);

-- +goose Down
DROP TABLE theme_suggestion_rejections;
ALTER TABLE theme_assignments DROP COLUMN confirmed_at;
ALTER TABLE theme_assignments DROP COLUMN confirmed_by_name;
ALTER TABLE theme_assignments DROP COLUMN confirmed_by;
