-- +goose Up
-- Milestones of actions: the "Key milestones" of the action-plan template as records, each with
-- its own due date and, once reached, its done date. recommendation_id is the action's, kept here
-- so that the derived flags (action_overdue, due_soon) find open milestones without a join.
CREATE TABLE milestones (
    id                uuid        PRIMARY KEY,
    action_id         uuid        NOT NULL REFERENCES actions (id),
    recommendation_id uuid        NOT NULL REFERENCES recommendations (id),
    title             text        NOT NULL CHECK (length(title) > 0),
    due_date          date,
    done_date         date,
    done_by_id        text,
    done_by_name      text,
    created_by_id     text,
    created_by_name   text        NOT NULL,
    version           integer     NOT NULL CHECK (version > 0),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX milestones_action ON milestones (action_id);
CREATE INDEX milestones_open_due ON milestones (recommendation_id, due_date) WHERE done_date IS NULL;

-- The milestone entries of a recommendation's timeline: added, changed (one field, old and new),
-- completed and removed (append-only). No foreign keys: like recommendation_edits, they outlive
-- a removed milestone.
CREATE TABLE milestone_events (
    id                uuid        PRIMARY KEY,
    recommendation_id uuid        NOT NULL,
    action_id         uuid        NOT NULL,
    milestone_id      uuid        NOT NULL,
    field             text        NOT NULL,
    old_value         text        NOT NULL,
    new_value         text        NOT NULL,
    title             text        NOT NULL,
    author_id         text,
    author_name       text        NOT NULL,
    organisation_id   text,
    created_at        timestamptz NOT NULL
);
CREATE INDEX milestone_events_recommendation ON milestone_events (recommendation_id, created_at);

-- +goose StatementBegin
CREATE FUNCTION milestone_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'milestone_events is append-only: % is not allowed', TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER milestone_events_no_change BEFORE UPDATE OR DELETE ON milestone_events
    FOR EACH ROW EXECUTE FUNCTION milestone_events_append_only();

-- +goose Down
DROP TABLE milestone_events;
DROP FUNCTION milestone_events_append_only();
DROP TABLE milestones;
