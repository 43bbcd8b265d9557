-- +goose Up
-- action_owing: see the PostgreSQL migration of the same number. Triggers of their own beside
-- those of 00019, which keep recommendations.action_due_on.
CREATE TABLE action_owing (
    recommendation_id text NOT NULL,
    organisation_id   text NOT NULL,
    due_on            text NOT NULL,
    PRIMARY KEY (recommendation_id, organisation_id)
) WITHOUT ROWID;

-- +goose StatementBegin
CREATE TRIGGER actions_owing_insert AFTER INSERT ON actions BEGIN
    DELETE FROM action_owing WHERE recommendation_id = NEW.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT NEW.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER actions_owing_update AFTER UPDATE OF recommendation_id, organisation_id, target_date, completion_date, implementation_status ON actions BEGIN
    DELETE FROM action_owing WHERE recommendation_id = NEW.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT NEW.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
    DELETE FROM action_owing WHERE recommendation_id = OLD.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT OLD.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER actions_owing_delete AFTER DELETE ON actions BEGIN
    DELETE FROM action_owing WHERE recommendation_id = OLD.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT OLD.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER milestones_owing_insert AFTER INSERT ON milestones BEGIN
    DELETE FROM action_owing WHERE recommendation_id = NEW.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT NEW.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER milestones_owing_update AFTER UPDATE OF recommendation_id, action_id, due_date, done_date ON milestones BEGIN
    DELETE FROM action_owing WHERE recommendation_id = NEW.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT NEW.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
    DELETE FROM action_owing WHERE recommendation_id = OLD.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT OLD.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER milestones_owing_delete AFTER DELETE ON milestones BEGIN
    DELETE FROM action_owing WHERE recommendation_id = OLD.recommendation_id;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT OLD.recommendation_id, org, MIN(due) FROM (
        SELECT a.organisation_id AS org, a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) GROUP BY org;
END;
-- +goose StatementEnd

INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
SELECT rec, org, MIN(due) FROM (
    SELECT a.recommendation_id AS rec, a.organisation_id AS org, a.target_date AS due FROM actions a
     WHERE a.completion_date IS NULL AND a.target_date IS NOT NULL
       AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    UNION ALL
    SELECT a.recommendation_id, a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
     WHERE m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
       AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
) GROUP BY rec, org;

-- +goose Down
DROP TRIGGER milestones_owing_delete;
DROP TRIGGER milestones_owing_update;
DROP TRIGGER milestones_owing_insert;
DROP TRIGGER actions_owing_delete;
DROP TRIGGER actions_owing_update;
DROP TRIGGER actions_owing_insert;
DROP TABLE action_owing;
