-- +goose Up
-- SQLite twin of postgres/00022: a review's report and the page each recommendation came from
-- (issue 17 §2).
CREATE TABLE review_reports (
    id                text     PRIMARY KEY,
    review_id         text     NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    blob_sha256       text     NOT NULL REFERENCES blobs (sha256),
    filename          text     NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
    media_type        text     NOT NULL,
    format            text     NOT NULL CHECK (format IN ('pdf', 'docx', 'odt', 'txt')),
    size_bytes        integer  NOT NULL CHECK (size_bytes > 0),
    pages             integer  NOT NULL CHECK (pages >= 0),
    proposals         text     NOT NULL,
    uploaded_by_id    text,
    uploaded_by_name  text     NOT NULL,
    uploaded_at       datetime NOT NULL,
    confirmed_at      datetime,
    confirmed_by_name text,
    created_count     integer  NOT NULL DEFAULT 0
);
CREATE INDEX review_reports_review ON review_reports (review_id, uploaded_at);

ALTER TABLE recommendations ADD COLUMN source_report_id text REFERENCES review_reports (id) ON DELETE SET NULL;
ALTER TABLE recommendations ADD COLUMN source_page integer CHECK (source_page IS NULL OR source_page > 0);

-- +goose Down
ALTER TABLE recommendations DROP COLUMN source_page;
ALTER TABLE recommendations DROP COLUMN source_report_id;
DROP TABLE review_reports;
