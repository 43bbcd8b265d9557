-- +goose Up
-- Import jobs: an API import runs in the background and is followed by polling its job.
-- The job holds the validation report and the counts; what the import wrote is audited on
-- its own (data.imported and per-entity events).
CREATE TABLE import_jobs (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('actionplan', 'json')),
    file_name   text        NOT NULL CHECK (length(file_name) <= 300),
    dry_run     boolean     NOT NULL,
    status      text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    done        integer     NOT NULL DEFAULT 0 CHECK (done >= 0),
    total       integer     NOT NULL DEFAULT 0 CHECK (total >= 0),
    result_json text,
    report_json text,
    error       text        NOT NULL DEFAULT '',
    created_by  uuid        REFERENCES users (id),
    created_at  timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX import_jobs_created_by ON import_jobs (created_by);

-- +goose Down
DROP TABLE import_jobs;
