-- +goose Up
-- SQLite twin of postgres/00015: whether the user must choose a new password before doing
-- anything else; set by an admin's reset, cleared by their own change.
ALTER TABLE users ADD COLUMN must_change_password integer NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
