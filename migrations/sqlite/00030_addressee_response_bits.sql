-- +goose Up
-- addressees.response_bits: see the PostgreSQL migration of the same number. SQLite can only add
-- a generated column as VIRTUAL (worked out when read), which gives the same values.
ALTER TABLE addressees ADD COLUMN response_bits INTEGER GENERATED ALWAYS AS (
    CASE WHEN response_status <> 'awaiting_response' THEN 1 ELSE 0 END +
    CASE WHEN response_status IN ('accepted', 'accepted_in_part', 'accepted_alternative') THEN 2 ELSE 0 END) VIRTUAL;

-- +goose Down
ALTER TABLE addressees DROP COLUMN response_bits;
