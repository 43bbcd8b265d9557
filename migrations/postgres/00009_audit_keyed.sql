-- +goose Up
-- The key the audit chain's head is under (issue 13 item 8): '' while the chain is unkeyed
-- SHA-256; otherwise the id of the HMAC key (derived from CASEREVIEW_SECRET_KEY, never stored)
-- that the next event must be keyed with.
ALTER TABLE journal_head ADD COLUMN audit_key_id text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE journal_head DROP COLUMN audit_key_id;
