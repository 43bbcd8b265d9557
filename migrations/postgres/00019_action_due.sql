-- +goose Up
-- recommendations.action_due_on: the earliest date the recommendation's unfinished actions must
-- still meet (their target dates and their open milestones' due dates), kept by triggers on
-- actions and milestones, so that the action_overdue flag is a test of one column
-- (action_due_on < today) instead of two correlated subqueries per recommendation. At 100k
-- recommendations those probes were half the cost of every summary that counts what is overdue.
-- "Unfinished" is casereview.ActionDates.Finished negated: no completion date, and not
-- implemented (pending verification or verified) or not implemented.
ALTER TABLE recommendations ADD COLUMN action_due_on date;

-- +goose StatementBegin
CREATE FUNCTION recommendation_action_due(rec uuid) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT MIN(due) FROM (
        SELECT a.target_date AS due FROM actions a
         WHERE a.recommendation_id = rec AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = rec AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) dues
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION refresh_action_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        UPDATE recommendations SET action_due_on = recommendation_action_due(NEW.recommendation_id)
         WHERE id = NEW.recommendation_id;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.recommendation_id <> NEW.recommendation_id) THEN
        UPDATE recommendations SET action_due_on = recommendation_action_due(OLD.recommendation_id)
         WHERE id = OLD.recommendation_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER actions_action_due AFTER INSERT OR DELETE
    OR UPDATE OF recommendation_id, target_date, completion_date, implementation_status ON actions
    FOR EACH ROW EXECUTE FUNCTION refresh_action_due();
CREATE TRIGGER milestones_action_due AFTER INSERT OR DELETE
    OR UPDATE OF recommendation_id, action_id, due_date, done_date ON milestones
    FOR EACH ROW EXECUTE FUNCTION refresh_action_due();

UPDATE recommendations SET action_due_on = recommendation_action_due(id)
 WHERE id IN (SELECT recommendation_id FROM actions);

-- The summaries scan this index instead of the table (00006): it carries the new column too.
DROP INDEX recommendations_summary;
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on)
    INCLUDE (id, response_status, implementation_status, oversight_status, closed_on, scope, intervention_type,
             response_due, last_activity_on, action_due_on);

-- +goose Down
DROP INDEX recommendations_summary;
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on)
    INCLUDE (id, response_status, implementation_status, oversight_status, closed_on, scope, intervention_type,
             response_due, last_activity_on);
DROP TRIGGER milestones_action_due ON milestones;
DROP TRIGGER actions_action_due ON actions;
DROP FUNCTION refresh_action_due();
DROP FUNCTION recommendation_action_due(uuid);
ALTER TABLE recommendations DROP COLUMN action_due_on;
