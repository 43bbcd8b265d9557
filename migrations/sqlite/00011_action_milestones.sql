-- +goose Up
-- See the PostgreSQL migration of the same number.
CREATE TABLE milestones (
    id                text     PRIMARY KEY,
    action_id         text     NOT NULL REFERENCES actions (id),
    recommendation_id text     NOT NULL REFERENCES recommendations (id),
    title             text     NOT NULL CHECK (length(title) > 0),
    due_date          text     CHECK (due_date IS NULL OR date(due_date) IS due_date),
    done_date         text     CHECK (done_date IS NULL OR date(done_date) IS done_date),
    done_by_id        text,
    done_by_name      text,
    created_by_id     text,
    created_by_name   text     NOT NULL,
    version           integer  NOT NULL CHECK (version > 0),
    created_at        datetime NOT NULL,
    updated_at        datetime NOT NULL
);
CREATE INDEX milestones_action ON milestones (action_id);
CREATE INDEX milestones_open_due ON milestones (recommendation_id, due_date) WHERE done_date IS NULL;

CREATE TABLE milestone_events (
    id                text     PRIMARY KEY,
    recommendation_id text     NOT NULL,
    action_id         text     NOT NULL,
    milestone_id      text     NOT NULL,
    field             text     NOT NULL,
    old_value         text     NOT NULL,
    new_value         text     NOT NULL,
    title             text     NOT NULL,
    author_id         text,
    author_name       text     NOT NULL,
    organisation_id   text,
    created_at        datetime NOT NULL
);
CREATE INDEX milestone_events_recommendation ON milestone_events (recommendation_id, created_at);
-- +goose StatementBegin
CREATE TRIGGER milestone_events_no_update BEFORE UPDATE ON milestone_events
BEGIN
    SELECT RAISE(ABORT, 'milestone_events is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER milestone_events_no_delete BEFORE DELETE ON milestone_events
BEGIN
    SELECT RAISE(ABORT, 'milestone_events is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE milestone_events;
DROP TABLE milestones;
