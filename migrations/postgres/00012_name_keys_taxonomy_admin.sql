-- +goose Up
-- Issue 13 item 10.
--
-- Names are unique by a key the application computes (casereview.NameKey: Unicode NFC and full
-- case folding), not by lower(name): SQLite's lower() folds ASCII only and PostgreSQL's follows
-- the server's locale, so the two databases disagreed on whether "Ärzteverband Öst" and
-- "ärzteverband öst" are one organisation. The keys are filled in Go straight after the
-- migrations run (store.Migrate, in one transaction), on both databases alike; until then they
-- are NULL, which a unique index lets through. New and changed rows must carry a key (NOT VALID:
-- the rows already here are keyed by Go after this migration).
ALTER TABLE organisations ADD COLUMN name_key text;
ALTER TABLE partnerships ADD COLUMN name_key text;
DROP INDEX organisations_name;
DROP INDEX partnerships_name;
CREATE UNIQUE INDEX organisations_name_key ON organisations (name_key);
CREATE UNIQUE INDEX partnerships_name_key ON partnerships (name_key);
ALTER TABLE organisations ADD CONSTRAINT organisations_name_key_set CHECK (name_key IS NOT NULL) NOT VALID;
ALTER TABLE partnerships ADD CONSTRAINT partnerships_name_key_set CHECK (name_key IS NOT NULL) NOT VALID;

-- Admins manage the taxonomy: a theme is owned by the embedded file (origin 'file', which a new
-- file version updates) until an admin adds or edits it (origin 'admin', which seeding leaves
-- alone). A deprecated theme is inactive, keeps its assignments, and may name its successor.
ALTER TABLE themes ADD COLUMN origin text NOT NULL DEFAULT 'file' CHECK (origin IN ('file', 'admin'));
ALTER TABLE themes ADD COLUMN replaced_by text REFERENCES themes (code) CHECK (replaced_by <> code);
ALTER TABLE themes ADD COLUMN deprecated_at timestamptz;
-- 'taxonomy' is now the version of the taxonomy as a whole, raised by every seed and every
-- admin change; 'taxonomy_file' is the version of the embedded file last seeded.
INSERT INTO reference_state (name, version) SELECT 'taxonomy_file', version FROM reference_state WHERE name = 'taxonomy';

-- +goose Down
DELETE FROM reference_state WHERE name IN ('taxonomy_file', 'name_keys');
ALTER TABLE themes DROP COLUMN deprecated_at;
ALTER TABLE themes DROP COLUMN replaced_by;
ALTER TABLE themes DROP COLUMN origin;
ALTER TABLE partnerships DROP CONSTRAINT partnerships_name_key_set;
ALTER TABLE organisations DROP CONSTRAINT organisations_name_key_set;
DROP INDEX partnerships_name_key;
DROP INDEX organisations_name_key;
CREATE UNIQUE INDEX partnerships_name ON partnerships (lower(name));
CREATE UNIQUE INDEX organisations_name ON organisations (lower(name));
ALTER TABLE partnerships DROP COLUMN name_key;
ALTER TABLE organisations DROP COLUMN name_key;
