-- +goose Up
-- The dashboard's recent closures: see the PostgreSQL migration of the same number.
CREATE INDEX recommendations_closed_on ON recommendations (closed_on) WHERE closed_on IS NOT NULL;

-- +goose Down
DROP INDEX recommendations_closed_on;
