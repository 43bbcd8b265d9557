-- +goose Up
-- SQLite twin of postgres/00003: responses, progress, evidence, assessments and links.
-- SQLite cannot add NOT NULL without a default or alter CHECKs in place, so issued_on gets a
-- placeholder default that the UPDATE below replaces,. Evidence changes are journaled as
-- their recommendation.

ALTER TABLE addressees ADD COLUMN response_status text NOT NULL DEFAULT 'awaiting_response'
    CHECK (response_status IN ('awaiting_response', 'response_received', 'accepted', 'accepted_in_part', 'accepted_alternative', 'not_accepted'));
ALTER TABLE recommendations ADD COLUMN response_due_explicit integer NOT NULL DEFAULT 0;
ALTER TABLE recommendations ADD COLUMN last_activity_on text CHECK (last_activity_on IS NULL OR date(last_activity_on) IS last_activity_on);
ALTER TABLE recommendations ADD COLUMN follow_up_on text CHECK (follow_up_on IS NULL OR date(follow_up_on) IS follow_up_on);
ALTER TABLE recommendations ADD COLUMN issued_on text NOT NULL DEFAULT '1900-01-01' CHECK (date(issued_on) IS issued_on);
UPDATE recommendations SET issued_on = coalesce((SELECT v.published_on FROM reviews v WHERE v.id = recommendations.review_id), date(created_at));
CREATE INDEX recommendations_last_activity ON recommendations (last_activity_on);
CREATE INDEX recommendations_follow_up ON recommendations (follow_up_on);
CREATE INDEX recommendations_issued ON recommendations (issued_on);

CREATE TABLE responses (
    id                text     PRIMARY KEY,
    recommendation_id text     NOT NULL,
    organisation_id   text     NOT NULL,
    decision          text     NOT NULL CHECK (decision IN ('response_received', 'accepted', 'accepted_in_part', 'accepted_alternative', 'not_accepted')),
    narrative         text     NOT NULL,
    timetable         text     NOT NULL,
    reasons           text     NOT NULL,
    received_on       text     NOT NULL CHECK (date(received_on) IS received_on),
    author_user_id    text,
    author_name       text     NOT NULL,
    created_at        datetime NOT NULL,
    FOREIGN KEY (recommendation_id, organisation_id) REFERENCES addressees (recommendation_id, organisation_id),
    CHECK (decision IN ('response_received', 'accepted') OR length(reasons) > 0)
);
CREATE INDEX responses_recommendation ON responses (recommendation_id);
CREATE INDEX responses_organisation ON responses (organisation_id);

CREATE TABLE blobs (
    sha256     text     PRIMARY KEY CHECK (length(sha256) = 64),
    content    blob     NOT NULL,
    size_bytes integer  NOT NULL CHECK (size_bytes >= 0),
    media_type text     NOT NULL,
    created_at datetime NOT NULL
);

CREATE TABLE evidence (
    id                  text     PRIMARY KEY,
    action_id           text     NOT NULL REFERENCES actions (id),
    recommendation_id   text     NOT NULL REFERENCES recommendations (id),
    kind                text     NOT NULL CHECK (kind IN ('link', 'file')),
    title               text     NOT NULL CHECK (length(title) > 0),
    evidence_type       text     NOT NULL CHECK (evidence_type IN ('policy_document', 'training_record', 'audit_result', 'minutes', 'data_extract', 'other')),
    url                 text,
    blob_sha256         text     REFERENCES blobs (sha256),
    filename            text,
    media_type          text,
    size_bytes          integer,
    status              text     NOT NULL CHECK (status IN ('pending', 'verified', 'rejected')),
    submitted_by_id     text,
    submitted_by_name   text     NOT NULL,
    submitted_at        datetime NOT NULL,
    reviewed_by_id      text,
    reviewed_by_name    text,
    reviewed_at         datetime,
    review_note         text,
    CHECK ((kind = 'link' AND url IS NOT NULL AND blob_sha256 IS NULL) OR (kind = 'file' AND blob_sha256 IS NOT NULL AND url IS NULL))
);
CREATE INDEX evidence_action ON evidence (action_id);
CREATE INDEX evidence_recommendation ON evidence (recommendation_id);
CREATE INDEX evidence_status ON evidence (status);

CREATE TABLE assessments (
    id                       text     PRIMARY KEY,
    recommendation_id        text     NOT NULL REFERENCES recommendations (id),
    from_classification      text     NOT NULL,
    classification           text     NOT NULL,
    rationale                text     NOT NULL,
    linked_recommendation_id text     REFERENCES recommendations (id),
    follow_up_on             text     CHECK (follow_up_on IS NULL OR date(follow_up_on) IS follow_up_on),
    assessor_id              text,
    assessor_name            text     NOT NULL,
    created_at               datetime NOT NULL
);
CREATE INDEX assessments_recommendation ON assessments (recommendation_id);

CREATE TABLE recommendation_links (
    id         text     PRIMARY KEY,
    from_id    text     NOT NULL REFERENCES recommendations (id),
    to_id      text     NOT NULL REFERENCES recommendations (id),
    type       text     NOT NULL CHECK (type IN ('duplicate_of', 'repeats', 'similar_to', 'supersedes', 'implements', 'contradicts')),
    note       text     NOT NULL,
    created_by text     NOT NULL,
    created_at datetime NOT NULL,
    CHECK (from_id <> to_id)
);
CREATE UNIQUE INDEX recommendation_links_unique ON recommendation_links (from_id, to_id, type);
CREATE INDEX recommendation_links_to ON recommendation_links (to_id);

CREATE TABLE progress_updates (
    id                text     PRIMARY KEY,
    recommendation_id text     NOT NULL REFERENCES recommendations (id),
    action_id         text,
    evidence_id       text,
    related_id        text, -- link entries: the other recommendation; shown only to callers who may see it
    kind              text     NOT NULL CHECK (kind IN ('response', 'action', 'evidence', 'assessment', 'link')),
    old_status        text     NOT NULL,
    new_status        text     NOT NULL,
    narrative         text     NOT NULL,
    author_id         text,
    author_name       text     NOT NULL,
    organisation_id   text,
    created_at        datetime NOT NULL
);
CREATE INDEX progress_updates_recommendation ON progress_updates (recommendation_id, created_at);
CREATE INDEX progress_updates_action ON progress_updates (action_id);

-- +goose StatementBegin
CREATE TRIGGER progress_updates_no_update BEFORE UPDATE ON progress_updates
BEGIN
    SELECT RAISE(ABORT, 'progress_updates is append-only: UPDATE is not allowed');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER progress_updates_no_delete BEFORE DELETE ON progress_updates
BEGIN
    SELECT RAISE(ABORT, 'progress_updates is append-only: DELETE is not allowed');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE progress_updates;
DROP TABLE recommendation_links;
DROP TABLE assessments;
DROP TABLE evidence;
DROP TABLE blobs;
DROP TABLE responses;
DROP INDEX recommendations_issued;
DROP INDEX recommendations_follow_up;
DROP INDEX recommendations_last_activity;
ALTER TABLE recommendations DROP COLUMN issued_on;
ALTER TABLE recommendations DROP COLUMN follow_up_on;
ALTER TABLE recommendations DROP COLUMN last_activity_on;
ALTER TABLE recommendations DROP COLUMN response_due_explicit;
ALTER TABLE addressees DROP COLUMN response_status;
