-- +goose Up
-- Whether the user must choose a new password before doing anything else (issue 12 item 3): set
-- when an admin resets their password, cleared when they change it themselves.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE users DROP COLUMN must_change_password;
