-- +goose Up
-- Indexes for the summaries (see the PostgreSQL migration of the same number). SQLite has no
-- INCLUDE: the recommendations index keeps only its key.
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on);
CREATE INDEX theme_assignments_theme_recommendation ON theme_assignments (theme_code, recommendation_id);
CREATE INDEX actions_open_target ON actions (recommendation_id, target_date)
    WHERE completion_date IS NULL AND target_date IS NOT NULL;

-- +goose Down
DROP INDEX actions_open_target;
DROP INDEX theme_assignments_theme_recommendation;
DROP INDEX recommendations_summary;
