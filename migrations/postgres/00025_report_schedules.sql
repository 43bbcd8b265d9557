-- +goose Up
-- Scheduled reports (issue 18 §4): a saved thematic summary run monthly or quarterly for its
-- subscribers. report_runs holds one row per (schedule, period), written in the same
-- transaction as the run's stored documents (content-addressed in blobs, as evidence files are),
-- its notifications and its emails: a second replica, a re-run or a process killed mid-run can
-- neither duplicate a run nor leave one half-written or half-sent.
CREATE TABLE report_schedules (
    id          uuid        PRIMARY KEY,
    summary_id  uuid        NOT NULL REFERENCES saved_summaries (id) ON DELETE CASCADE,
    frequency   text        NOT NULL CHECK (frequency IN ('monthly', 'quarterly')),
    next_run_on date        NOT NULL,
    paused      boolean     NOT NULL DEFAULT false,
    created_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);
CREATE INDEX report_schedules_summary ON report_schedules (summary_id);
CREATE INDEX report_schedules_due ON report_schedules (paused, next_run_on);

CREATE TABLE report_subscribers (
    schedule_id uuid NOT NULL REFERENCES report_schedules (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (schedule_id, user_id)
);

-- One run as it was sent: the definition and as-of date used, the figures (the document's
-- tables as JSON, for the next run's comparison), the comparison with the previous run, and
-- the three renderings by their SHA-256.
CREATE TABLE report_runs (
    id              uuid        PRIMARY KEY,
    schedule_id     uuid        NOT NULL REFERENCES report_schedules (id) ON DELETE CASCADE,
    period          text        NOT NULL,
    as_of           date        NOT NULL,
    title           text        NOT NULL,
    definition      text        NOT NULL,
    summary         text        NOT NULL,
    figures         text        NOT NULL,
    comparison      text        NOT NULL,
    previous_run_id uuid        REFERENCES report_runs (id) ON DELETE SET NULL,
    html_sha256     text        NOT NULL REFERENCES blobs (sha256),
    xlsx_sha256     text        NOT NULL REFERENCES blobs (sha256),
    csv_sha256      text        NOT NULL REFERENCES blobs (sha256),
    run_by          text        NOT NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (schedule_id, period)
);
CREATE INDEX report_runs_schedule ON report_runs (schedule_id, created_at);

-- +goose Down
DROP TABLE report_runs;
DROP TABLE report_subscribers;
DROP TABLE report_schedules;
