-- +goose Up
-- SQLite twin of postgres/00012 (see there). The name keys are filled by Go after the
-- migrations, not by a Go function registered with the driver: an index, trigger or migration
-- that calls a function only this binary defines would make the file unusable to the sqlite3
-- shell, a restore or any other tool ("no such function"), and PostgreSQL needs the Go backfill
-- anyway.
ALTER TABLE organisations ADD COLUMN name_key text;
ALTER TABLE partnerships ADD COLUMN name_key text;
DROP INDEX organisations_name;
DROP INDEX partnerships_name;
CREATE UNIQUE INDEX organisations_name_key ON organisations (name_key);
CREATE UNIQUE INDEX partnerships_name_key ON partnerships (name_key);
-- New and changed rows must carry a key (PostgreSQL: a NOT VALID check; SQLite cannot add one).
-- +goose StatementBegin
CREATE TRIGGER organisations_name_key_insert BEFORE INSERT ON organisations WHEN NEW.name_key IS NULL
BEGIN
    SELECT RAISE(ABORT, 'organisations: name_key is required');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER organisations_name_key_update BEFORE UPDATE ON organisations WHEN NEW.name_key IS NULL
BEGIN
    SELECT RAISE(ABORT, 'organisations: name_key is required');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER partnerships_name_key_insert BEFORE INSERT ON partnerships WHEN NEW.name_key IS NULL
BEGIN
    SELECT RAISE(ABORT, 'partnerships: name_key is required');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER partnerships_name_key_update BEFORE UPDATE ON partnerships WHEN NEW.name_key IS NULL
BEGIN
    SELECT RAISE(ABORT, 'partnerships: name_key is required');
END;
-- +goose StatementEnd

ALTER TABLE themes ADD COLUMN origin text NOT NULL DEFAULT 'file' CHECK (origin IN ('file', 'admin'));
ALTER TABLE themes ADD COLUMN replaced_by text REFERENCES themes (code) CHECK (replaced_by <> code);
ALTER TABLE themes ADD COLUMN deprecated_at datetime;
INSERT INTO reference_state (name, version) SELECT 'taxonomy_file', version FROM reference_state WHERE name = 'taxonomy';

-- +goose Down
DELETE FROM reference_state WHERE name IN ('taxonomy_file', 'name_keys');
ALTER TABLE themes DROP COLUMN deprecated_at;
ALTER TABLE themes DROP COLUMN replaced_by;
ALTER TABLE themes DROP COLUMN origin;
DROP TRIGGER partnerships_name_key_update;
DROP TRIGGER partnerships_name_key_insert;
DROP TRIGGER organisations_name_key_update;
DROP TRIGGER organisations_name_key_insert;
DROP INDEX partnerships_name_key;
DROP INDEX organisations_name_key;
CREATE UNIQUE INDEX partnerships_name ON partnerships (lower(name));
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));
ALTER TABLE partnerships DROP COLUMN name_key;
ALTER TABLE organisations DROP COLUMN name_key;
