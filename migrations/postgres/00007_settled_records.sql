-- +goose Up
-- Where an action's completion date came from: 'claim' (the owner claimed it implemented, with an
-- outcome and evidence, through the progress endpoint) or 'import' (a historic date carried by an
-- imported plan or set before claims existed: shown as unverified, never counted as verified).
-- NULL exactly when there is no completion date.
ALTER TABLE actions ADD COLUMN completion_source text CHECK (completion_source IN ('claim', 'import'));
UPDATE actions SET completion_source = CASE
    WHEN EXISTS (SELECT 1 FROM progress_updates p WHERE p.action_id = actions.id AND p.new_status = 'implemented_pending_verification')
    THEN 'claim' ELSE 'import' END
WHERE completion_date IS NOT NULL;
ALTER TABLE actions ADD CONSTRAINT actions_completion_source CHECK ((completion_date IS NULL) = (completion_source IS NULL));

-- Edits to a recommendation's fields, shown in its timeline to everyone who may read it
-- (append-only). No foreign key: like audit events, they outlive a deleted recommendation.
CREATE TABLE recommendation_edits (
    id                uuid        PRIMARY KEY,
    recommendation_id uuid        NOT NULL,
    field             text        NOT NULL,
    old_value         text        NOT NULL,
    new_value         text        NOT NULL,
    author_id         text,
    author_name       text        NOT NULL,
    organisation_id   text,
    created_at        timestamptz NOT NULL
);
CREATE INDEX recommendation_edits_recommendation ON recommendation_edits (recommendation_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION recommendation_edits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'recommendation_edits is append-only: % is not allowed', TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER recommendation_edits_no_change BEFORE UPDATE OR DELETE ON recommendation_edits
    FOR EACH ROW EXECUTE FUNCTION recommendation_edits_append_only();

-- +goose Down
DROP TABLE recommendation_edits;
DROP FUNCTION recommendation_edits_append_only();
ALTER TABLE actions DROP CONSTRAINT actions_completion_source;
ALTER TABLE actions DROP COLUMN completion_source;
