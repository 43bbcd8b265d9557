-- +goose Up
-- SQLite twin of postgres/00007: sign-in hardening.
ALTER TABLE login_throttle ADD COLUMN last_success_at datetime;
ALTER TABLE sessions ADD COLUMN authenticated_at datetime;

-- +goose Down
ALTER TABLE sessions DROP COLUMN authenticated_at;
ALTER TABLE login_throttle DROP COLUMN last_success_at;
