-- +goose Up
-- SQLite twin of postgres/00025: scheduled reports, their subscribers and their stored runs.
CREATE TABLE report_schedules (
    id          text        PRIMARY KEY,
    summary_id  text        NOT NULL REFERENCES saved_summaries (id) ON DELETE CASCADE,
    frequency   text        NOT NULL CHECK (frequency IN ('monthly', 'quarterly')),
    next_run_on text        NOT NULL CHECK (date(next_run_on) IS next_run_on),
    paused      integer     NOT NULL DEFAULT 0,
    created_by  text        REFERENCES users (id) ON DELETE SET NULL,
    created_at  datetime    NOT NULL,
    updated_at  datetime    NOT NULL
);
CREATE INDEX report_schedules_summary ON report_schedules (summary_id);
CREATE INDEX report_schedules_due ON report_schedules (paused, next_run_on);

CREATE TABLE report_subscribers (
    schedule_id text NOT NULL REFERENCES report_schedules (id) ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (schedule_id, user_id)
);

-- One run as it was sent: the definition and as-of date used, the figures (the document's
-- tables as JSON, for the next run's comparison), the comparison with the previous run, and
-- the three renderings by their SHA-256.
CREATE TABLE report_runs (
    id              text        PRIMARY KEY,
    schedule_id     text        NOT NULL REFERENCES report_schedules (id) ON DELETE CASCADE,
    period          text        NOT NULL,
    as_of           text        NOT NULL CHECK (date(as_of) IS as_of),
    title           text        NOT NULL,
    definition      text        NOT NULL,
    summary         text        NOT NULL,
    figures         text        NOT NULL,
    comparison      text        NOT NULL,
    previous_run_id text        REFERENCES report_runs (id) ON DELETE SET NULL,
    html_sha256     text        NOT NULL REFERENCES blobs (sha256),
    xlsx_sha256     text        NOT NULL REFERENCES blobs (sha256),
    csv_sha256      text        NOT NULL REFERENCES blobs (sha256),
    run_by          text        NOT NULL,
    created_at      datetime    NOT NULL,
    UNIQUE (schedule_id, period)
);
CREATE INDEX report_runs_schedule ON report_runs (schedule_id, created_at);

-- +goose Down
DROP TABLE report_runs;
DROP TABLE report_subscribers;
DROP TABLE report_schedules;
