-- +goose Up
-- The bulk import (store/imports) wrote record_key 0 into every recommendation it created, where
-- each should have drawn its own (00020): the cell key method's noise comes from the sum of a
-- count's record keys, and with every key alike it depends on the count alone. Those rows each
-- draw a key now. The few rows whose drawn key really was 0 draw again, which is harmless: a key
-- is only ever a random number. The search index holds the keys too; its mapping version (10)
-- makes the application rebuild it from these rows.
UPDATE recommendations SET record_key = floor(random() * 256)::integer WHERE record_key = 0;

-- +goose Down
-- Nothing to undo: the keys drawn are as good as any.
SELECT 1;
