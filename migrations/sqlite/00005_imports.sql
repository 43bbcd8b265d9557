-- +goose Up
-- SQLite twin of postgres/00005: import jobs.
CREATE TABLE import_jobs (
    id          text     PRIMARY KEY,
    kind        text     NOT NULL CHECK (kind IN ('actionplan', 'json')),
    file_name   text     NOT NULL CHECK (length(file_name) <= 300),
    dry_run     integer  NOT NULL,
    status      text     NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
    done        integer  NOT NULL DEFAULT 0 CHECK (done >= 0),
    total       integer  NOT NULL DEFAULT 0 CHECK (total >= 0),
    result_json text,
    report_json text,
    error       text     NOT NULL DEFAULT '',
    created_by  text     REFERENCES users (id),
    created_at  datetime NOT NULL,
    finished_at datetime
);
CREATE INDEX import_jobs_created_by ON import_jobs (created_by);

-- +goose Down
DROP TABLE import_jobs;
