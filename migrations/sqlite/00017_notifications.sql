-- +goose Up
-- SQLite twin of postgres/00017.
-- Notifications (issue 18 §1, §2). notification_events makes the reminder ladder idempotent: one
-- row per event (a ladder step of one due date, or an immediate event), written in the same
-- transaction as the notifications and outbox rows it causes, so a second run finds it and sends
-- nothing twice. Escalations among them are shown on their recommendation's timeline.
CREATE TABLE notification_events (
    key               text        PRIMARY KEY,
    kind              text        NOT NULL,
    recommendation_id text        REFERENCES recommendations (id) ON DELETE CASCADE,
    organisation_id   text        REFERENCES organisations (id) ON DELETE CASCADE,
    summary           text        NOT NULL,
    created_at        datetime NOT NULL
);
CREATE INDEX notification_events_recommendation ON notification_events (recommendation_id, created_at);

-- One person's notification centre. email says how its email goes: immediately (an outbox row
-- was written with it), daily or weekly (a digest picks it up; digested_at then set), or off.
CREATE TABLE notifications (
    id                text        PRIMARY KEY,
    user_id           text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_key         text        NOT NULL REFERENCES notification_events (key) ON DELETE CASCADE,
    kind              text        NOT NULL,
    summary           text        NOT NULL,
    link              text        NOT NULL,
    recommendation_id text        REFERENCES recommendations (id) ON DELETE CASCADE,
    email             text        NOT NULL CHECK (email IN ('immediately', 'daily', 'weekly', 'off')),
    digested_at       datetime,
    read_at           datetime,
    created_at        datetime NOT NULL,
    UNIQUE (user_id, event_key)
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
CREATE INDEX notifications_digest ON notifications (email, digested_at);

CREATE TABLE notification_preferences (
    user_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     text NOT NULL,
    delivery text NOT NULL CHECK (delivery IN ('immediately', 'daily', 'weekly', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- The transactional outbox: each email to send, written with the change that causes it. A
-- sender claims a row (claimed_by, claimed_until: a lease, so a killed sender's claim lapses),
-- sends it and records sent_at, or a failure with the next attempt, or the final failure.
CREATE TABLE outbox (
    id                text        PRIMARY KEY,
    event_key         text        NOT NULL,
    kind              text        NOT NULL,
    recipient_user_id text        REFERENCES users (id) ON DELETE CASCADE,
    recipient_email   text        NOT NULL,
    subject           text        NOT NULL,
    body              text        NOT NULL,
    link              text        NOT NULL,
    recommendation_id text        REFERENCES recommendations (id) ON DELETE SET NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'withheld')),
    attempts          integer     NOT NULL DEFAULT 0,
    next_attempt_at   datetime NOT NULL,
    claimed_by        text,
    claimed_until     datetime,
    last_error        text,
    sent_at           datetime,
    created_at        datetime NOT NULL,
    UNIQUE (event_key, recipient_email)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_created ON outbox (created_at);

-- Leases of the scheduler's jobs: one replica runs each job at a time, and last_run_on says
-- which day the daily evaluation last completed.
CREATE TABLE job_leases (
    name        text        PRIMARY KEY,
    owner       text,
    lease_until datetime,
    last_run_on text CHECK (last_run_on IS NULL OR date(last_run_on) IS last_run_on)
);

-- +goose Down
DROP TABLE job_leases;
DROP TABLE outbox;
DROP TABLE notification_preferences;
DROP TABLE notifications;
DROP TABLE notification_events;
