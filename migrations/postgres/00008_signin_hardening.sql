-- +goose Up
-- Sign-in hardening (issue 13, items 6 and 7).
-- login_throttle.last_success_at: when an account last signed in from an address, so the
-- per-account delay can spare addresses its owner is known to use.
-- sessions.authenticated_at: when the session's holder last proved who they are (password or
-- second factor); creating an API token needs a recent proof.
ALTER TABLE login_throttle ADD COLUMN last_success_at timestamptz;
ALTER TABLE sessions ADD COLUMN authenticated_at timestamptz;

-- +goose Down
ALTER TABLE sessions DROP COLUMN authenticated_at;
ALTER TABLE login_throttle DROP COLUMN last_success_at;
