-- +goose Up
-- Indexes for the summaries (DESIGN §8: a thematic summary at 100k recommendations in 200 ms).
--
-- recommendations_summary: every summary reads the filtered recommendations joined to their
-- reviews. Its key (review, date issued) lets a nested loop from the reviews of some types
-- narrow by year inside the index (without it, a plan made before statistics exist
-- ANDs the whole issued_on index once per review: 15 s instead of 80 ms at 100k); the included
-- columns are those the summaries count by and the overdue flags read, so once vacuumed a
-- summary scans this index (about a fifth of the table's size) instead of the table.
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on)
    INCLUDE (id, response_status, implementation_status, oversight_status, closed_on, scope, intervention_type,
             response_due, last_activity_on);
-- The theme filter (EXISTS … theme_code IN …) reads only this index.
CREATE INDEX theme_assignments_theme_recommendation ON theme_assignments (theme_code, recommendation_id);
-- Unfinished actions with a target date: the action-overdue and due-soon flags probe it once per
-- recommendation, from the index alone once vacuumed. Without it, a plan made before statistics
-- exist ANDs the whole completion_date IS NULL index into every probe (over a minute for a
-- document at 100k).
CREATE INDEX actions_open_target ON actions (recommendation_id, target_date) INCLUDE (implementation_status)
    WHERE completion_date IS NULL AND target_date IS NOT NULL;

-- +goose Down
DROP INDEX actions_open_target;
DROP INDEX theme_assignments_theme_recommendation;
DROP INDEX recommendations_summary;
