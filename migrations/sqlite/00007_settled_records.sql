-- +goose Up
-- See the PostgreSQL migration of the same number. SQLite cannot add a table constraint, so
-- triggers keep completion_source set exactly when completion_date is.
ALTER TABLE actions ADD COLUMN completion_source text CHECK (completion_source IN ('claim', 'import'));
UPDATE actions SET completion_source = CASE
    WHEN EXISTS (SELECT 1 FROM progress_updates p WHERE p.action_id = actions.id AND p.new_status = 'implemented_pending_verification')
    THEN 'claim' ELSE 'import' END
WHERE completion_date IS NOT NULL;
-- +goose StatementBegin
CREATE TRIGGER actions_completion_source_insert BEFORE INSERT ON actions
WHEN (NEW.completion_date IS NULL) <> (NEW.completion_source IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'actions: completion_source must be set exactly when completion_date is');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_completion_source_update BEFORE UPDATE ON actions
WHEN (NEW.completion_date IS NULL) <> (NEW.completion_source IS NULL)
BEGIN
    SELECT RAISE(ABORT, 'actions: completion_source must be set exactly when completion_date is');
END;
-- +goose StatementEnd

CREATE TABLE recommendation_edits (
    id                text     PRIMARY KEY,
    recommendation_id text     NOT NULL,
    field             text     NOT NULL,
    old_value         text     NOT NULL,
    new_value         text     NOT NULL,
    author_id         text,
    author_name       text     NOT NULL,
    organisation_id   text,
    created_at        datetime NOT NULL
);
CREATE INDEX recommendation_edits_recommendation ON recommendation_edits (recommendation_id, created_at);
-- +goose StatementBegin
CREATE TRIGGER recommendation_edits_no_update BEFORE UPDATE ON recommendation_edits
BEGIN
    SELECT RAISE(ABORT, 'recommendation_edits is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER recommendation_edits_no_delete BEFORE DELETE ON recommendation_edits
BEGIN
    SELECT RAISE(ABORT, 'recommendation_edits is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE recommendation_edits;
DROP TRIGGER actions_completion_source_update;
DROP TRIGGER actions_completion_source_insert;
ALTER TABLE actions DROP COLUMN completion_source;
