-- +goose Up
-- recommendations.record_key: the cell key method's fixed random key of each recommendation
-- (casereview/cellkey.go), 0 to 255. A shareable count's noise comes from the sum of its
-- records' keys, so the same records always publish the same figure. Existing rows each get
-- their own random key (a volatile default is evaluated per row); new rows get one from the
-- store at insert, or from the default when something inserts without one.
ALTER TABLE recommendations ADD COLUMN record_key integer NOT NULL DEFAULT floor(random() * 256)::integer
    CHECK (record_key >= 0 AND record_key < 256);

-- The summaries scan this index instead of the table (00006, 00019): it carries the key too.
DROP INDEX recommendations_summary;
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on)
    INCLUDE (id, response_status, implementation_status, oversight_status, closed_on, scope, intervention_type,
             response_due, last_activity_on, action_due_on, record_key);

-- +goose Down
DROP INDEX recommendations_summary;
CREATE INDEX recommendations_summary ON recommendations (review_id, issued_on)
    INCLUDE (id, response_status, implementation_status, oversight_status, closed_on, scope, intervention_type,
             response_due, last_activity_on, action_due_on);
ALTER TABLE recommendations DROP COLUMN record_key;
