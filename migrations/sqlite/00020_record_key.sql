-- +goose Up
-- recommendations.record_key: the cell key method's fixed random key: see the PostgreSQL
-- migration of the same number. SQLite cannot add a column with a random default, so existing
-- rows are filled here and a trigger gives one to a row inserted without it (the store always
-- sets it).
ALTER TABLE recommendations ADD COLUMN record_key INTEGER CHECK (record_key IS NULL OR (record_key >= 0 AND record_key < 256));
UPDATE recommendations SET record_key = abs(random()) % 256;

-- +goose StatementBegin
CREATE TRIGGER recommendations_record_key AFTER INSERT ON recommendations WHEN NEW.record_key IS NULL BEGIN
    UPDATE recommendations SET record_key = abs(random()) % 256 WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER recommendations_record_key;
ALTER TABLE recommendations DROP COLUMN record_key;
