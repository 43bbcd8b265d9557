-- +goose Up
-- action_owing: for each recommendation, each organisation that owns an unfinished action, with
-- the earliest date it must still meet (its unfinished actions' target dates and their open
-- milestones' due dates). It is recommendations.action_due_on (00019) by organisation, kept by
-- the same triggers. The overdue list and the dashboard's overdue tally read who owes what on an
-- overdue action from here, one row per (recommendation, organisation), instead of joining every
-- action and every milestone of tens of thousands of overdue recommendations and testing each
-- one's status: an organisation owes on an action since due_on, when due_on has passed.
CREATE TABLE action_owing (
    recommendation_id uuid NOT NULL,
    organisation_id   uuid NOT NULL,
    due_on            date NOT NULL,
    PRIMARY KEY (recommendation_id, organisation_id) INCLUDE (due_on)
);

-- Both it and action_due_on (the earliest of the recommendation's rows here) are now refreshed
-- by one PL/pgSQL function, whose statements are planned once per connection. 00019's SQL
-- function was planned afresh on every call and updated the recommendation even when its date
-- had not changed: at 100k, 5,000 action updates took 4.4 s with it alone and 0.7 s with this
-- (docs/performance.md); the bulk import writes every action through it.
-- +goose StatementBegin
CREATE FUNCTION refresh_action_owing(rec uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    due date;
BEGIN
    DELETE FROM action_owing WHERE recommendation_id = rec;
    INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
    SELECT rec, org, MIN(d) FROM (
        SELECT a.organisation_id AS org, a.target_date AS d FROM actions a
         WHERE a.recommendation_id = rec AND a.completion_date IS NULL AND a.target_date IS NOT NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
        UNION ALL
        SELECT a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
         WHERE m.recommendation_id = rec AND m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
           AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    ) dues GROUP BY org;
    SELECT MIN(due_on) INTO due FROM action_owing WHERE recommendation_id = rec;
    UPDATE recommendations SET action_due_on = due WHERE id = rec AND action_due_on IS DISTINCT FROM due;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION refresh_action_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM refresh_action_owing(NEW.recommendation_id);
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.recommendation_id <> NEW.recommendation_id) THEN
        PERFORM refresh_action_owing(OLD.recommendation_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
DROP FUNCTION recommendation_action_due(uuid);

-- An action moved to another organisation changes who owes: the trigger of 00019 did not need to
-- watch the column.
DROP TRIGGER actions_action_due ON actions;
CREATE TRIGGER actions_action_due AFTER INSERT OR DELETE
    OR UPDATE OF recommendation_id, organisation_id, target_date, completion_date, implementation_status ON actions
    FOR EACH ROW EXECUTE FUNCTION refresh_action_due();

INSERT INTO action_owing (recommendation_id, organisation_id, due_on)
SELECT rec, org, MIN(due) FROM (
    SELECT a.recommendation_id AS rec, a.organisation_id AS org, a.target_date AS due FROM actions a
     WHERE a.completion_date IS NULL AND a.target_date IS NOT NULL
       AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
    UNION ALL
    SELECT a.recommendation_id, a.organisation_id, m.due_date FROM milestones m JOIN actions a ON a.id = m.action_id
     WHERE m.done_date IS NULL AND m.due_date IS NOT NULL AND a.completion_date IS NULL
       AND a.implementation_status NOT IN ('implemented_pending_verification', 'implemented_verified', 'not_implemented')
) dues GROUP BY rec, org;

-- +goose Down
DROP TRIGGER actions_action_due ON actions;
CREATE TRIGGER actions_action_due AFTER INSERT OR DELETE
    OR UPDATE OF recommendation_id, target_date, completion_date, implementation_status ON actions
    FOR EACH ROW EXECUTE FUNCTION refresh_action_due();
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
CREATE OR REPLACE FUNCTION refresh_action_due() RETURNS trigger LANGUAGE plpgsql AS $$
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
DROP FUNCTION refresh_action_owing(uuid);
DROP TABLE action_owing;
