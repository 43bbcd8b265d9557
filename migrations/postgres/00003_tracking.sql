-- +goose Up
-- Tracking to closure: responses, progress, evidence (stored in the database, content-addressed),
-- oversight assessments and links between recommendations (DESIGN §4).

ALTER TABLE addressees ADD COLUMN response_status text NOT NULL DEFAULT 'awaiting_response'
    CHECK (response_status IN ('awaiting_response', 'response_received', 'accepted', 'accepted_in_part', 'accepted_alternative', 'not_accepted'));
ALTER TABLE recommendations ADD COLUMN response_due_explicit boolean NOT NULL DEFAULT false;
ALTER TABLE recommendations ADD COLUMN last_activity_on date;
ALTER TABLE recommendations ADD COLUMN follow_up_on date;
ALTER TABLE recommendations ADD COLUMN issued_on date;
UPDATE recommendations r SET issued_on = coalesce((SELECT v.published_on FROM reviews v WHERE v.id = r.review_id), r.created_at::date);
ALTER TABLE recommendations ALTER COLUMN issued_on SET NOT NULL;
CREATE INDEX recommendations_last_activity ON recommendations (last_activity_on);
CREATE INDEX recommendations_follow_up ON recommendations (follow_up_on);
CREATE INDEX recommendations_issued ON recommendations (issued_on);

CREATE TABLE responses (
    id                uuid        PRIMARY KEY,
    recommendation_id uuid        NOT NULL,
    organisation_id   uuid        NOT NULL,
    decision          text        NOT NULL CHECK (decision IN ('response_received', 'accepted', 'accepted_in_part', 'accepted_alternative', 'not_accepted')),
    narrative         text        NOT NULL,
    timetable         text        NOT NULL,
    reasons           text        NOT NULL,
    received_on       date        NOT NULL,
    author_user_id    text,
    author_name       text        NOT NULL,
    created_at        timestamptz NOT NULL,
    FOREIGN KEY (recommendation_id, organisation_id) REFERENCES addressees (recommendation_id, organisation_id),
    CHECK (decision IN ('response_received', 'accepted') OR length(reasons) > 0)
);
CREATE INDEX responses_recommendation ON responses (recommendation_id);
CREATE INDEX responses_organisation ON responses (organisation_id);

-- Content-addressed store for uploaded evidence: one row per distinct file, so replicas stay
-- stateless and one database backup holds everything.
CREATE TABLE blobs (
    sha256     text        PRIMARY KEY CHECK (length(sha256) = 64),
    content    bytea       NOT NULL,
    size_bytes bigint      NOT NULL CHECK (size_bytes >= 0),
    media_type text        NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE TABLE evidence (
    id                  uuid        PRIMARY KEY,
    action_id           uuid        NOT NULL REFERENCES actions (id),
    recommendation_id   uuid        NOT NULL REFERENCES recommendations (id),
    kind                text        NOT NULL CHECK (kind IN ('link', 'file')),
    title               text        NOT NULL CHECK (length(title) > 0),
    evidence_type       text        NOT NULL CHECK (evidence_type IN ('policy_document', 'training_record', 'audit_result', 'minutes', 'data_extract', 'other')),
    url                 text,
    blob_sha256         text        REFERENCES blobs (sha256),
    filename            text,
    media_type          text,
    size_bytes          bigint,
    status              text        NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    submitted_by_id     text,
    submitted_by_name   text        NOT NULL,
    submitted_at        timestamptz NOT NULL,
    reviewed_by_id      text,
    reviewed_by_name    text,
    reviewed_at         timestamptz,
    review_note         text,
    CHECK ((kind = 'link' AND url IS NOT NULL AND blob_sha256 IS NULL) OR (kind = 'file' AND blob_sha256 IS NOT NULL AND url IS NULL))
);
CREATE INDEX evidence_action ON evidence (action_id);
CREATE INDEX evidence_recommendation ON evidence (recommendation_id);
CREATE INDEX evidence_status ON evidence (status);

CREATE TABLE assessments (
    id                       uuid        PRIMARY KEY,
    recommendation_id        uuid        NOT NULL REFERENCES recommendations (id),
    from_classification      text        NOT NULL,
    classification           text        NOT NULL,
    rationale                text        NOT NULL,
    linked_recommendation_id uuid        REFERENCES recommendations (id),
    follow_up_on             date,
    assessor_id              text,
    assessor_name            text        NOT NULL,
    created_at               timestamptz NOT NULL
);
CREATE INDEX assessments_recommendation ON assessments (recommendation_id);

CREATE TABLE recommendation_links (
    id         uuid        PRIMARY KEY,
    from_id    uuid        NOT NULL REFERENCES recommendations (id),
    to_id      uuid        NOT NULL REFERENCES recommendations (id),
    type       text        NOT NULL CHECK (type IN ('duplicate_of', 'repeats', 'similar_to', 'supersedes', 'implements', 'contradicts')),
    note       text        NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE UNIQUE INDEX recommendation_links_unique ON recommendation_links (from_id, to_id, type);
CREATE INDEX recommendation_links_to ON recommendation_links (to_id);

-- The timeline: every status change and every note, append-only.
CREATE TABLE progress_updates (
    id                uuid        PRIMARY KEY,
    recommendation_id uuid        NOT NULL REFERENCES recommendations (id),
    action_id         uuid,
    evidence_id       uuid,
    related_id        uuid, -- link entries: the other recommendation; shown only to callers who may see it
    kind              text        NOT NULL CHECK (kind IN ('response', 'action', 'evidence', 'assessment', 'link')),
    old_status        text        NOT NULL,
    new_status        text        NOT NULL,
    narrative         text        NOT NULL,
    author_id         text,
    author_name       text        NOT NULL,
    organisation_id   text,
    created_at        timestamptz NOT NULL
);
CREATE INDEX progress_updates_recommendation ON progress_updates (recommendation_id, created_at);
CREATE INDEX progress_updates_action ON progress_updates (action_id);

-- +goose StatementBegin
CREATE FUNCTION progress_updates_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'progress_updates is append-only: % is not allowed', TG_OP;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER progress_updates_no_change BEFORE UPDATE OR DELETE ON progress_updates
    FOR EACH ROW EXECUTE FUNCTION progress_updates_append_only();

-- +goose Down
DROP TABLE progress_updates;
DROP FUNCTION progress_updates_append_only();
DROP TABLE recommendation_links;
DROP TABLE assessments;
DROP TABLE evidence;
DROP TABLE blobs;
DROP TABLE responses;
ALTER TABLE recommendations DROP COLUMN issued_on;
ALTER TABLE recommendations DROP COLUMN follow_up_on;
ALTER TABLE recommendations DROP COLUMN last_activity_on;
ALTER TABLE recommendations DROP COLUMN response_due_explicit;
ALTER TABLE addressees DROP COLUMN response_status;
