-- +goose Up
-- A review's report (issue 17 §2): the published document a panel uploads so that its
-- recommendations are proposed rather than retyped. The file itself is a content-addressed row
-- of blobs, as evidence files are. proposals holds what internal/extract found, as JSON, until
-- the panel confirms them; confirmed_at is set once, by the transaction that creates the
-- recommendations, so a second confirmation (a double submit) creates nothing.
CREATE TABLE review_reports (
    id                uuid        PRIMARY KEY,
    review_id         uuid        NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    blob_sha256       text        NOT NULL REFERENCES blobs (sha256),
    filename          text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    media_type        text        NOT NULL,
    format            text        NOT NULL CHECK (format IN ('pdf', 'docx', 'odt', 'txt')),
    size_bytes        bigint      NOT NULL CHECK (size_bytes > 0),
    pages             integer     NOT NULL CHECK (pages >= 0),
    proposals         text        NOT NULL,
    uploaded_by_id    text,
    uploaded_by_name  text        NOT NULL,
    uploaded_at       timestamptz NOT NULL,
    confirmed_at      timestamptz,
    confirmed_by_name text,
    created_count     integer     NOT NULL DEFAULT 0
);
CREATE INDEX review_reports_review ON review_reports (review_id, uploaded_at);

-- The report and page a recommendation was drawn from, when it was.
ALTER TABLE recommendations ADD COLUMN source_report_id uuid REFERENCES review_reports (id) ON DELETE SET NULL;
ALTER TABLE recommendations ADD COLUMN source_page integer CHECK (source_page IS NULL OR source_page > 0);

-- +goose Down
ALTER TABLE recommendations DROP COLUMN source_page;
ALTER TABLE recommendations DROP COLUMN source_report_id;
DROP TABLE review_reports;
