-- +goose Up
-- Every recommendation the bulk import created with record_key 0 draws its own key: see the
-- PostgreSQL migration of the same number.
UPDATE recommendations SET record_key = abs(random()) % 256 WHERE record_key = 0;

-- +goose Down
-- Nothing to undo: the keys drawn are as good as any.
SELECT 1;
