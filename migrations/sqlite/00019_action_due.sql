-- +goose Up
-- recommendations.action_due_on, kept by triggers: see the PostgreSQL migration of the same number.
ALTER TABLE recommendations ADD COLUMN action_due_on TEXT;

-- +goose StatementBegin
CREATE TRIGGER actions_action_due_insert AFTER INSERT ON actions BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = NEW.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_action_due_update AFTER UPDATE OF recommendation_id, target_date, completion_date, implementation_status ON actions BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = NEW.recommendation_id;
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER actions_action_due_delete AFTER DELETE ON actions BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER milestones_action_due_insert AFTER INSERT ON milestones BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = NEW.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER milestones_action_due_update AFTER UPDATE OF recommendation_id, action_id, due_date, done_date ON milestones BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = NEW.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = NEW.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = NEW.recommendation_id;
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER milestones_action_due_delete AFTER DELETE ON milestones BEGIN
    UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = OLD.recommendation_id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = OLD.recommendation_id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
     WHERE id = OLD.recommendation_id;
END;
-- +goose StatementEnd

UPDATE recommendations SET action_due_on = (SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = recommendations.id AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = recommendations.id AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')))
 WHERE id IN (SELECT recommendation_id FROM actions);

-- +goose Down
DROP TRIGGER milestones_action_due_delete;
DROP TRIGGER milestones_action_due_update;
DROP TRIGGER milestones_action_due_insert;
DROP TRIGGER actions_action_due_delete;
DROP TRIGGER actions_action_due_update;
DROP TRIGGER actions_action_due_insert;
ALTER TABLE recommendations DROP COLUMN action_due_on;
